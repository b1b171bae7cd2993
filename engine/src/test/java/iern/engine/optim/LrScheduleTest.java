package iern.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LrScheduleTest {

    /**
     * The authors' default (lr 2e-4): their warm-up scheduler wrapped around their linear rule,
     * run under PyTorch 1.13, trains epoch 1 at 4e-5, epochs 5..20 at 2e-4, epoch 21 at
     * 1.9858156e-4, epoch 160 at 1.4184397e-6. Epochs here count from 0.
     */
    @Test
    void linearWarmupDecayReproducesTheAuthorsRates() {
        LinearWarmupDecay s = LinearWarmupDecay.iernDefault();
        assertEquals(160, s.epochs());
        double[] warm = {0.2, 0.4, 0.6, 0.8, 1.0};
        for (int e = 0; e < 5; e++) {
            assertEquals(warm[e], s.factor(e), 1e-12, "epoch " + e);
        }
        for (int e = 5; e < 20; e++) {
            assertEquals(1.0, s.factor(e), 0, "epoch " + e);
        }
        assertEquals(140.0 / 141, s.factor(20), 1e-12);
        assertEquals(139.0 / 141, s.factor(21), 1e-12);
        assertEquals(1.0 / 141, s.factor(159), 1e-12);
        assertEquals(0.0, s.factor(160), 1e-12);
        assertEquals(0.0, s.factor(500), 0, "past the end: 0, never negative");
        assertEquals(1.9858156028368796e-4, 2e-4 * s.factor(20), 1e-15);
        assertEquals(1.418439716312059e-6, 2e-4 * s.factor(159), 1e-15);
        // Without warm-up the decay rule alone: constant for `constant` epochs, then down.
        LinearWarmupDecay plain = new LinearWarmupDecay(0, 2, 3);
        assertEquals(1.0, plain.factor(0), 0);
        assertEquals(1.0, plain.factor(1), 0);
        assertEquals(0.75, plain.factor(2), 1e-12);
        assertEquals(0.25, plain.factor(4), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new LinearWarmupDecay(-1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> s.factor(-1));
    }

    @Test
    void stepLrDecaysByGammaEveryStep() {
        StepLr s = new StepLr(50, 0.1);
        assertEquals(1.0, s.factor(0), 0);
        assertEquals(1.0, s.factor(49), 0);
        assertEquals(0.1, s.factor(50), 1e-15);
        assertEquals(0.01, s.factor(100), 1e-15);
        assertEquals(0.01, s.factor(149), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new StepLr(0, 0.1));
    }

    @Test
    void cosineFallsFromOneToTheFloorAndStays() {
        CosineLr s = new CosineLr(10, 0.0);
        assertEquals(1.0, s.factor(0), 0);
        assertEquals(0.5, s.factor(5), 1e-12);
        assertEquals((1 + Math.cos(Math.PI * 3 / 10)) / 2, s.factor(3), 1e-12);
        assertEquals(0.0, s.factor(10), 1e-12);
        assertEquals(0.0, s.factor(12), 1e-12);
        CosineLr floor = new CosineLr(10, 0.1);
        assertEquals(0.55, floor.factor(5), 1e-12);
        assertEquals(0.1, floor.factor(10), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new CosineLr(0, 0));
    }

    @Test
    void constantIsOne() {
        assertEquals(1.0, LrSchedule.constant().factor(123), 0);
    }
}
