package iern.engine.nn;

import iern.engine.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Modules applied one after another; children are named "0", "1", ... as in PyTorch. */
public class Sequential extends Module {

    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... layers) {
        for (Module m : layers) {
            add(m);
        }
    }

    /** Appends {@code m} under the next index; returns this. */
    public final Sequential add(Module m) {
        registerModule(Integer.toString(layers.size()), m);
        layers.add(m);
        return this;
    }

    public final Module get(int i) {
        return layers.get(i);
    }

    public final int size() {
        return layers.size();
    }

    public final List<Module> layers() {
        return Collections.unmodifiableList(layers);
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (Module m : layers) {
            h = m.forward(h);
        }
        return h;
    }
}
