package iern.data.loader;

import iern.data.Sample;
import iern.data.transform.Pipeline;
import iern.data.transform.SampleRandom;

import java.nio.file.Path;
import java.util.List;

/**
 * One image through a pipeline outside any data set, for {@code iern predict}: decoded, resized and (with the
 * test pipeline) centre-cropped and normalised exactly as the loader does it for evaluation.
 */
public final class SingleImage {
    private SingleImage() {}

    /** Writes {@code pipeline.outputFloats()} values at out[offset]; bad files throw a DataException naming them. */
    public static void prepare(Path image, Pipeline pipeline, float[] out, int offset) {
        Sample sample = new Sample(image, image.getFileName().toString(), 0, 0, "", "the command line");
        ImageStore store = ImageStore.open(List.of(sample), pipeline.loadSize(), 0, 1, iern.data.BadInput.fail());
        Pipeline.Scratch scratch = new Pipeline.Scratch(pipeline.loadSize());
        store.fill(0, pipeline, scratch);
        pipeline.run(scratch, new SampleRandom(0), out, offset);
    }
}
