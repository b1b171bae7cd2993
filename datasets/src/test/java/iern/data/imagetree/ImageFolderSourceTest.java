package iern.data.imagetree;

import iern.data.BadInput;
import iern.data.DataException;
import iern.data.SampleSet;
import iern.data.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageFolderSourceTest {
    @TempDir
    Path root;

    @Test
    void classFromOneLevelConfounderFromAnother() {
        TestImages.png(root.resolve("indoor/positive/a.png"), 4, 4, 1);
        TestImages.png(root.resolve("indoor/negative/b.jpg.png"), 4, 4, 2);
        TestImages.png(root.resolve("outdoor/positive/c.png"), 4, 4, 3);
        TestImages.write(root.resolve("outdoor/positive/readme.txt"), "not an image");
        SampleSet set = ImageFolderSource.open(root, 1, new ImageFolderSource.Confounder.Level(0), BadInput.fail());
        assertEquals(List.of("negative", "positive"), set.classNames());
        assertEquals(List.of("indoor", "outdoor"), set.confounderNames());
        assertEquals(3, set.size());
        var c = set.samples().stream().filter(s -> s.key().equals("outdoor/positive/c.png")).findFirst().orElseThrow();
        assertEquals(1, c.emotion());
        assertEquals(1, c.confounder());
    }

    @Test
    void confounderFromCsvAndMissingEntryIsNamed() {
        TestImages.png(root.resolve("imgs/happy/a.png"), 4, 4, 1);
        TestImages.png(root.resolve("imgs/sad/b.png"), 4, 4, 2);
        Path csv = TestImages.write(root.resolve("conf.csv"), "happy/a.png,web\nsad/b.png,lab\n");
        SampleSet set = ImageFolderSource.open(root.resolve("imgs"), 0,
                ImageFolderSource.confounderCsv(csv, BadInput.fail()), BadInput.fail());
        assertEquals(List.of("lab", "web"), set.confounderNames());
        assertEquals(1, set.samples().get(0).confounder());

        Path partial = TestImages.write(root.resolve("partial.csv"), "happy/a.png,web\n");
        DataException e = assertThrows(DataException.class, () -> ImageFolderSource.open(root.resolve("imgs"), 0,
                ImageFolderSource.confounderCsv(partial, BadInput.fail()), BadInput.fail()));
        assertEquals(partial + ": no confounder for image 'sad/b.png'; expected a line 'sad/b.png,<confounder>'",
                e.getMessage());
    }

    @Test
    void imagesTooShallowForTheClassLevelAreReportedOrSkipped() {
        TestImages.png(root.resolve("loose.png"), 4, 4, 1);
        TestImages.png(root.resolve("cls/a.png"), 4, 4, 1);
        DataException e = assertThrows(DataException.class,
                () -> ImageFolderSource.open(root, 0, new ImageFolderSource.Confounder.None(), BadInput.fail()));
        assertTrue(e.getMessage().startsWith(root.toAbsolutePath().resolve("loose.png") + ": has no folder at level 0"),
                e.getMessage());
        BadInput skip = BadInput.skip();
        SampleSet set = ImageFolderSource.open(root, 0, new ImageFolderSource.Confounder.None(), skip);
        assertEquals(1, set.size());
        assertEquals(1, skip.skippedCount());
    }

    @Test
    void emptyTreeIsAnError() {
        TestImages.write(root.resolve("x/readme.txt"), "no images");
        DataException e = assertThrows(DataException.class,
                () -> ImageFolderSource.open(root, 0, new ImageFolderSource.Confounder.None(), BadInput.fail()));
        assertTrue(e.getMessage().startsWith(root + ": no images found; expected <root>/<class>/<image>"), e.getMessage());
    }

    @Test
    void linkedImagesLeavingTheRootAreRefused() throws Exception {
        Path tree = root.resolve("tree");
        TestImages.png(tree.resolve("happy/a.png"), 4, 4, 1);
        Path outside = TestImages.png(root.resolve("elsewhere/secret.png"), 4, 4, 2);
        Path link = Files.createSymbolicLink(Files.createDirectories(tree.resolve("sad")).resolve("b.png"), outside);
        DataException e = assertThrows(DataException.class,
                () -> ImageFolderSource.open(tree, 0, new ImageFolderSource.Confounder.None(), BadInput.fail()));
        assertEquals(link.toAbsolutePath() + ": image leads outside the data root " + tree.toRealPath() + " (a link to "
                + outside.toRealPath() + "); expected files inside the root", e.getMessage());
        BadInput skip = BadInput.skip();
        assertEquals(1, ImageFolderSource.open(tree, 0, new ImageFolderSource.Confounder.None(), skip).size());
        assertEquals(1, skip.skippedCount());
    }
}
