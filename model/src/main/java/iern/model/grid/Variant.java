package iern.model.grid;

import iern.engine.InvalidInput;
import iern.data.Printable;
import iern.model.Adversary;
import iern.model.InterventionMode;
import iern.model.Method;
import iern.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * One trained variant of the experiment, named as runs, tables and charts name it:
 * {@code baseline}, {@code iern} (the paper's uniform intervention), {@code iern-prior},
 * {@code iern-attention}; then {@code +cadv} or {@code +ladv} with a source adversary, then
 * {@code +la} with the source-prior logit adjustment ({@code iern+cadv+la}).
 */
public record Variant(Method method, InterventionMode intervention, Adversary adversary, boolean logitAdjust) {
    private static final String ADJUST = "+la";

    public Variant {
        if (method == Method.BASELINE && intervention != InterventionMode.UNIFORM) {
            throw new InvalidInput("the baseline has no intervention (" + intervention.id() + ")");
        }
    }

    public static Variant of(Method method) {
        return new Variant(method, InterventionMode.UNIFORM, Adversary.NONE, false);
    }

    /** Every variant of the given lists, baseline first; a baseline has no intervention, so it appears once. */
    public static List<Variant> product(List<Method> methods, List<InterventionMode> interventions,
                                        List<Adversary> adversaries, List<Boolean> adjusts) {
        List<Variant> out = new ArrayList<>();
        for (Method m : methods) {
            for (InterventionMode i : m == Method.BASELINE ? List.of(InterventionMode.UNIFORM) : interventions) {
                for (Adversary a : adversaries) {
                    for (boolean la : adjusts) {
                        out.add(new Variant(m, i, a, la));
                    }
                }
            }
        }
        return out;
    }

    public String name() {
        String base = method == Method.BASELINE ? "baseline"
                : intervention == InterventionMode.UNIFORM ? "iern" : "iern-" + intervention.id();
        return base + adversarySuffix(adversary) + (logitAdjust ? ADJUST : "");
    }

    private static String adversarySuffix(Adversary a) {
        return switch (a) {
            case NONE -> "";
            case CONDITIONAL -> "+cadv";
            case LINEAR -> "+ladv";
        };
    }

    /** The inverse of {@link #name()}; an unknown name is an error that says what names look like. */
    public static Variant parse(String name) {
        String rest = name;
        boolean la = rest.endsWith(ADJUST);
        if (la) {
            rest = rest.substring(0, rest.length() - ADJUST.length());
        }
        Adversary adversary = Adversary.NONE;
        for (Adversary a : Adversary.values()) {
            if (a != Adversary.NONE && rest.endsWith(adversarySuffix(a))) {
                adversary = a;
                rest = rest.substring(0, rest.length() - adversarySuffix(a).length());
            }
        }
        Variant v = null;
        if (rest.equals("baseline")) {
            v = new Variant(Method.BASELINE, InterventionMode.UNIFORM, adversary, la);
        } else if (rest.equals("iern")) {
            v = new Variant(Method.IERN, InterventionMode.UNIFORM, adversary, la);
        } else if (rest.startsWith("iern-")) {
            for (InterventionMode i : InterventionMode.values()) {
                if (i != InterventionMode.UNIFORM && rest.equals("iern-" + i.id())) {
                    v = new Variant(Method.IERN, i, adversary, la);
                }
            }
        }
        if (v == null || !v.name().equals(name)) {
            throw new InvalidInput("variant " + Printable.quote(name) + ": expected baseline, iern or"
                    + " iern-prior/iern-attention, then +cadv or +ladv, then +la");
        }
        return v;
    }

    /** The model this variant trains, from the shared sizes of {@code base}. */
    public ModelConfig apply(ModelConfig base) {
        return base.withMethod(method).withIntervention(intervention).withAdversary(adversary);
    }

    @Override
    public String toString() {
        return name();
    }
}
