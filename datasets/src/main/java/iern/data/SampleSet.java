package iern.data;

import java.util.List;

/**
 * The samples of one split with the names behind their indices.
 *
 * @param samples         in a stable order (sorted by path, as the authors sort theirs)
 * @param classNames      emotion (or class) names; index = label
 * @param confounderNames confounder names; index = confounder label
 * @param badInput        what was skipped while reading (empty in FAIL mode)
 */
public record SampleSet(List<Sample> samples, List<String> classNames, List<String> confounderNames,
                        BadInput badInput) {
    public int size() {
        return samples.size();
    }
}
