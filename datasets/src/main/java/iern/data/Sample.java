package iern.data;

import java.nio.file.Path;

/**
 * One labelled image.
 *
 * @param path       the image file
 * @param key        a stable name (the label key for Mix-Dataset), reported back with each batch
 * @param emotion    class index into the source's class list
 * @param confounder confounder index (for Mix-Dataset: the source dataset)
 * @param sequence   frames sharing a sequence id must stay on one side of a train/test split
 * @param origin     where the sample was declared ("file line n"), for error messages
 */
public record Sample(Path path, String key, int emotion, int confounder, String sequence, String origin) {}
