package iern.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.Grad;
import iern.engine.Seed;
import iern.engine.Tensor;
import iern.engine.TensorScope;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkShapesTest {

    @ParameterizedTest
    @CsvSource({"resnet18, 36, 2", "resnet34, 36, 2", "resnet50, 36, 2", "resnet18, 64, 2", "resnet18, 97, 4"})
    void backboneEndsInTheFeatureWidthAtTheFeatureSize(String arch, int image, int side) {
        try (var s = TensorScope.open(); var g = Grad.off()) {
            ResNet net = new ResNet(arch, 1.0 / 16, 16, new SplittableRandom(1));
            Tensor b = net.forward(Tensor.randn(Seed.of(3), 2, 3, image, image));
            assertArrayEquals(new int[] {2, 16, side, side}, b.shape());
            assertEquals(side, ModelConfig.featSizeOf(image));
        }
    }

    @Test
    void paperFeatureMapIs7x7WithDiscriminatorKernel3() {
        ModelConfig paper = ModelConfig.paper();
        assertEquals(7, paper.featSize());
        assertEquals(3, paper.disKernel());
        assertEquals(33, ModelConfig.minImageSize());
    }

    @Test
    void everyIernNetworkHasTheDesignedShape() {
        ModelConfig cfg = Tiny.config("iern", "uniform");
        try (var s = TensorScope.open(); var g = Grad.off()) {
            IernNetwork net = new IernNetwork(cfg, 5);
            int n = 3;
            int c = cfg.featChannels();
            int f = cfg.featSize();
            Tensor b = net.base.forward(Tiny.images(n, 2));
            assertArrayEquals(new int[] {n, c, f, f}, b.shape());
            Tensor e = net.emoGen.forward(b);
            Tensor con = net.conGen.forward(b);
            assertArrayEquals(b.shape(), e.shape());
            assertArrayEquals(b.shape(), con.shape());
            assertArrayEquals(b.shape(), net.reconstruct(e, con, 1).shape());
            assertArrayEquals(new int[] {n, 6}, net.emoDis.forward(e).shape());
            assertArrayEquals(new int[] {n, 3}, net.conDis.forward(con).shape());
            assertArrayEquals(new int[] {3, c * f * f}, net.memory.centers.shape());
            assertArrayEquals(new int[] {3, c, f, f}, net.memory.strata().shape());
            assertArrayEquals(new int[] {n, 6}, net.cls.forward(e).shape());
            assertArrayEquals(new int[] {n, 6}, net.intervene(e).shape());
            assertArrayEquals(new int[] {n, 6}, net.predict(Tiny.images(n, 3)).shape());
            assertNull(net.attention);
        }
    }

    @Test
    void discriminatorKernelFollowsTheFeatureSize() {
        // 97 px gives 4x4 features: the 4x4/2 conv leaves 2x2, so the head's kernel is 2.
        ModelConfig cfg = new ModelConfig(iern.model.Method.IERN, "resnet18", 1.0 / 16, 16, 97, ModelConfig.MIX_EMOTIONS,
                ModelConfig.MIX_SOURCES, 1, 1, 3, iern.model.InterventionMode.UNIFORM, null, 8);
        assertEquals(4, cfg.featSize());
        assertEquals(2, cfg.disKernel());
        try (var s = TensorScope.open(); var g = Grad.off()) {
            Discriminator d = new Discriminator(16, 6, cfg.disKernel(), 3, new SplittableRandom(1));
            assertArrayEquals(new int[] {2, 6}, d.forward(Tensor.randn(Seed.of(1), 2, 16, 4, 4)).shape());
        }
    }

    @Test
    void attentionModeAddsQueryAndKey() {
        try (var s = TensorScope.open(); var g = Grad.off()) {
            IernNetwork net = new IernNetwork(Tiny.config("iern", "attention"), 5);
            assertNotNull(net.attention);
            assertTrue(net.namedParameters().containsKey("attention.query.weight"));
            assertArrayEquals(new int[] {4, 6}, net.predict(Tiny.images(4, 3)).shape());
        }
    }

    @Test
    void baselineIsBackboneAndClassifierOnly() {
        try (var s = TensorScope.open(); var g = Grad.off()) {
            IernNetwork net = new IernNetwork(Tiny.config("baseline", "uniform"), 5);
            assertNull(net.emoGen);
            assertTrue(net.namedParameters().keySet().stream().allMatch(k -> k.startsWith("base.") || k.startsWith("cls.")));
            assertArrayEquals(new int[] {2, 6}, net.predict(Tiny.images(2, 3)).shape());
        }
    }

    @Test
    void tooSmallImagesAreRefusedWithTheMinimum() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelConfig(iern.model.Method.IERN, "resnet18", 0.25, 64, 32, ModelConfig.MIX_EMOTIONS,
                        ModelConfig.MIX_SOURCES, 2, 3, 3, iern.model.InterventionMode.UNIFORM, null, 8));
        assertTrue(e.getMessage().contains("at least 33"), e.getMessage());
    }

    @Test
    void strataPassRejectsChannelsThatDoNotAddUpNamingThem() {
        try (var s = TensorScope.open(); var g = Grad.off()) {
            FeatureGenerator recons = new FeatureGenerator(8, 4, 1, new SplittableRandom(1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> recons.forwardStrata(Tensor.randn(Seed.of(1), 2, 5, 3, 3), Tensor.randn(Seed.of(2), 3, 2, 3, 3)));
            assertTrue(e.getMessage().contains("5 + 2 input channels, the convolution takes 8"), e.getMessage());
        }
    }
}
