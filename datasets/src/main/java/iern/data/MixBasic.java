package iern.data;

import java.util.List;

/**
 * The label vocabularies of the authors' Mix-Dataset, in the authors' order: the index of a name here is the
 * class index the model sees, so the order must never change.
 */
public final class MixBasic {
    public static final List<String> EMOTIONS =
            List.of("Anger", "Disgust", "Fear", "Happiness", "Sadness", "Surprise");
    /** The confounders are the source datasets, named by their folder under the data root. */
    public static final List<String> SOURCES = List.of("CKPlus", "MMI", "OuluCASIA");

    private MixBasic() {}

    public static int emotionIndex(String name) {
        return EMOTIONS.indexOf(name);
    }

    public static int sourceIndex(String name) {
        return SOURCES.indexOf(name);
    }

    /** Label key of an image, as the authors build it: {@code <dataset lower-case>_<basename without extension>}. */
    public static String labelKey(String dataset, String fileName) {
        return dataset.toLowerCase(java.util.Locale.ROOT) + "_" + stripExtension(fileName);
    }

    /**
     * Sequence id of a frame: its basename without the last {@code _}-separated part. This matches all three
     * sources (CK+ {@code S010_004_00000017}, MMI {@code S001_104_043}, Oulu {@code P001_Fear_015}), whose
     * frames of one sequence differ only in the trailing frame number.
     */
    public static String sequenceOf(String dataset, String fileName) {
        String stem = stripExtension(fileName);
        int cut = stem.lastIndexOf('_');
        return dataset + "/" + (cut > 0 ? stem.substring(0, cut) : stem);
    }

    public static String stripExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
