package iern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `iern train --pretrained`: the model module's torchvision-layout fixtures through the program. */
class CliPretrainedTest {
    @TempDir
    Path dir;

    /** The fixtures of model/src/test/python/make_pretrained_fixtures.py (tests run in the module folder). */
    static Path fixture(String name) {
        return Path.of("..", "model", "src", "test", "resources", "pretrained", name).toAbsolutePath().normalize();
    }

    private CliErrorsTest.Outcome train(Path data, Path out, Path weights) {
        return CliErrorsTest.run("train", "--data", data.toString(), "--out", out.toString(), "--epochs", "1",
                "--batch", "4", "--width", "0.0625", "--feat", "16", "--image-size", "36", "--threads", "1",
                "--workers", "0", "--method", "baseline", "--pretrained", weights.toString());
    }

    @Test
    void aTorchvisionStateDictStartsTheBackboneAndAHostileOneIsRefused() throws Exception {
        Path data = dir.resolve("synth");
        assertEquals(0, CliErrorsTest.run("synth", "--out", data.toString(), "--subjects", "2", "--size", "40").code());
        CliErrorsTest.Outcome ok = train(data, dir.resolve("ok"), fixture("resnet18_w16.pth"));
        assertEquals(0, ok.code(), ok.err() + ok.out());
        assertTrue(ok.out().contains("resnet18_w16.pth"), ok.out());

        Path marker = Path.of("/tmp/iern-malicious-pickle-ran");
        Files.deleteIfExists(marker);
        CliErrorsTest.Outcome bad = train(data, dir.resolve("bad"), fixture("malicious_os_system.pth"));
        assertEquals(2, bad.code(), bad.out());
        assertTrue(bad.err().contains("os.system") && bad.err().contains("malicious_os_system.pth"), bad.err());
        assertFalse(bad.err().contains("\tat "), bad.err());
        assertFalse(Files.exists(marker), "nothing in the file may run");
        assertFalse(Files.exists(dir.resolve("bad")), "refused before any run directory is made");
    }
}
