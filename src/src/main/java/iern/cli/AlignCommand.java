package iern.cli;

import iern.cli.face.AlignedFace;
import iern.cli.face.Alignment;
import iern.cli.face.FaceDetector;
import iern.data.DataException;
import iern.data.Printable;
import iern.data.image.ImageDecoder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "align", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Aligns the faces of photos as the authors prepare theirs: finds each face and its eyes"
                + " (OpenCV's Haar cascades), turns the image so the eyes are level and crops a square with the eyes"
                + " at 35% of its height, 30% of its width apart.",
            "Writes one PNG per face into --out: NAME.png, or NAME_face1.png, NAME_face2.png... (left to right) when"
                + " a photo holds several. A face whose eyes are not found (or under 48 px wide, too small for the eye"
                + " cascade) is cropped from its box without turning (said on its line). Where the square reaches past"
                + " the photo it is black, as in the authors' crops.",
            "One line per photo on stdout ([i/n] photo: faces -> files); a photo without a face or that cannot be"
                + " read is named on stderr and the rest go on. Existing files are never replaced without --force.",
            "Exit code: 0 every photo aligned, 4 some failed, 2 all failed or bad options."})
final class AlignCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "IMAGE",
            description = "PNG, JPEG or BMP files; directories (their image files by name, not recursive); glob"
                + " patterns the shell did not expand (quoted: 'photos/*.jpg').")
    List<String> images;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the crops (made if missing).")
    Path out;

    @Option(names = "--size", defaultValue = "256", paramLabel = "PX",
            description = "Side of the square crops in pixels (default: ${DEFAULT-VALUE}, the authors').")
    int size;

    @Option(names = "--force", description = "Replace crops that already exist in --out.")
    boolean force;

    @Mixin
    ImageLimit imageLimit;

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (size < Alignment.MIN_SIZE || size > Alignment.MAX_SIZE) {
            throw new UserError("--size " + size + ": expected " + Alignment.MIN_SIZE + " to " + Alignment.MAX_SIZE + " pixels");
        }
        imageLimit.apply();
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UserError("--out " + out + " is not a directory");
        }
        List<PredictCommand.Item> items = new ArrayList<>();
        for (String arg : images) {
            items.addAll(PredictCommand.expand(arg));
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UserError("cannot create --out " + out + ": " + e);
        }
        try {
            FaceDetector.get();
        } catch (FaceDetector.Unavailable e) {
            throw new UserError(e.getMessage());
        }
        int n = items.size();
        int failed = 0;
        int faces = 0;
        int turned = 0;
        // which input each output name of this run came from: two photos named alike must not overwrite each other
        Map<Path, String> written = new HashMap<>();
        for (int i = 0; i < n; i++) {
            PredictCommand.Item item = items.get(i);
            String head = "[" + (i + 1) + "/" + n + "] " + Printable.of(item.name()) + ": ";
            String problem = null;
            List<Path> files = List.of();
            List<AlignedFace> found = List.of();
            if (item.file() == null) {
                problem = item.error();
            } else {
                try {
                    BufferedImage image = ImageDecoder.read(item.file(), null);
                    found = AlignedFace.all(image, size);
                    if (found.isEmpty()) {
                        problem = "no face found";
                    } else {
                        files = outputs(item.file(), found.size());
                        problem = clash(files, item, written);
                        if (problem == null) {
                            for (int f = 0; f < found.size(); f++) {
                                write(found.get(f).crop(), files.get(f));
                                written.put(files.get(f), item.name());
                            }
                        }
                    }
                } catch (DataException e) {
                    problem = PredictCommand.problem(item.file(), e.getMessage());
                } catch (IOException e) {
                    problem = "cannot write " + out + ": " + Printable.of(String.valueOf(e.getMessage()));
                }
            }
            if (problem != null) {
                failed++;
                err.println(head + "error: " + problem);
            } else {
                StringBuilder line = new StringBuilder(head).append(found.size() == 1 ? "1 face -> " : found.size() + " faces -> ");
                for (int f = 0; f < found.size(); f++) {
                    AlignedFace a = found.get(f);
                    line.append(f == 0 ? "" : ", ").append(Printable.of(files.get(f).getFileName().toString()))
                            .append(" (").append(a.describe()).append(")");
                    if (a.alignment().fromEyes()) {
                        turned++;
                    }
                }
                faces += found.size();
                w.println(line);
            }
            w.flush();
            err.flush();
        }
        w.println("aligned " + faces + (faces == 1 ? " face" : " faces") + " (" + turned + " from their eyes, "
                + (faces - turned) + " from the face box) of " + (n - failed) + " of " + n + " images into " + out);
        w.flush();
        if (failed == 0) {
            return 0;
        }
        if (failed == n) {
            err.println("iern align: error: " + (n == 1 ? "the image" : "all " + n + " images") + " failed");
            err.flush();
            return 2;
        }
        err.println("iern align: " + failed + " of " + n + " images failed");
        err.flush();
        return PredictCommand.SOME_FAILED;
    }

    /** NAME.png for one face, NAME_face1.png... for several. */
    private List<Path> outputs(Path input, int count) {
        String name = input.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        List<Path> files = new ArrayList<>();
        for (int f = 1; f <= count; f++) {
            files.add(out.resolve(stem + (count == 1 ? "" : "_face" + f) + ".png"));
        }
        return files;
    }

    /** Why these outputs cannot be written, or null. */
    private String clash(List<Path> files, PredictCommand.Item item, Map<Path, String> written) {
        for (Path f : files) {
            String other = written.get(f);
            if (other != null) {
                return f + " was just written for " + Printable.of(other) + "; rename one of the two photos";
            }
        }
        if (!force) {
            for (Path f : files) {
                if (Files.exists(f)) {
                    return f + " exists; --force replaces it";
                }
            }
        }
        return null;
    }

    /** Writes a PNG atomically: into a temporary file beside it, then moved into place. */
    private void write(BufferedImage crop, Path file) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), ".iern-align-", ".png");
        try {
            if (!ImageIO.write(crop, "png", tmp.toFile())) {
                throw new IOException("no PNG writer");
            }
            if (force) {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(tmp, file); // refuses an existing file (an atomic rename would replace it)
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " appeared meanwhile; --force replaces it");
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
