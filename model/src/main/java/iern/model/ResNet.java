package iern.model;

import iern.engine.Tensor;
import iern.engine.nn.BatchNorm2d;
import iern.engine.nn.Conv2d;
import iern.engine.nn.Init;
import iern.engine.nn.Module;
import iern.engine.nn.Sequential;
import iern.engine.ops.Pooling;
import java.util.SplittableRandom;

/**
 * IERN's backbone: a ResNet (18, 34 or 50, torchvision's layout and parameter names) without
 * average pool and classifier, followed by a 1x1 conv to the feature width ({@code proj}).
 * {@code width} scales every stage's channels, so a CPU-sized run can use a quarter-width
 * ResNet-18 with the same depth and strides. Output: {@code [n, featChannels, f, f]} with
 * {@code f} = {@link ModelConfig#featSize()} (7 for 224 pixels).
 */
public final class ResNet extends Module {
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Sequential[] layers = new Sequential[4];
    private final Conv2d proj;
    public final int outChannels;

    public ResNet(String arch, double width, int featChannels, SplittableRandom rng) {
        int[] blocks = switch (arch) {
            case "resnet18" -> new int[] {2, 2, 2, 2};
            case "resnet34", "resnet50" -> new int[] {3, 4, 6, 3};
            default -> throw new IllegalArgumentException("backbone '" + arch + "': expected resnet18, resnet34 or resnet50");
        };
        boolean bottleneck = arch.equals("resnet50");
        int expansion = bottleneck ? 4 : 1;
        int stem = scaled(64, width);
        conv1 = registerModule("conv1", new Conv2d(3, stem, 7, 2, 3, false, rng));
        bn1 = registerModule("bn1", new BatchNorm2d(stem));
        int in = stem;
        for (int stage = 0; stage < 4; stage++) {
            int planes = scaled(64 << stage, width);
            Sequential seq = new Sequential();
            for (int b = 0; b < blocks[stage]; b++) {
                int stride = (b == 0 && stage > 0) ? 2 : 1;
                seq.add(bottleneck ? new Bottleneck(in, planes, stride, rng) : new BasicBlock(in, planes, stride, rng));
                in = planes * expansion;
            }
            layers[stage] = registerModule("layer" + (stage + 1), seq);
        }
        outChannels = featChannels;
        proj = registerModule("proj", new Conv2d(in, featChannels, 1, 1, 0, true, rng));
        // torchvision's initialisation of the ResNet body: He normal on fan-out, BN scale 1 shift 0
        // (the paper starts from ImageNet weights; here the backbone learns from scratch).
        for (Module m : namedModules().values()) {
            if (m instanceof Conv2d c && m != proj) {
                Init.kaimingNormal(c.weight, 0, Init.FanMode.FAN_OUT, Init.Nonlinearity.RELU, rng);
            } else if (m instanceof BatchNorm2d bn) {
                Init.ones(bn.weight);
                Init.zeros(bn.bias);
            }
        }
    }

    static int scaled(int channels, double width) {
        return Math.max(1, (int) Math.round(channels * width));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = Pooling.maxPool2d(bn1.forward(conv1.forward(x)).relu(), 3, 2, 1);
        for (Sequential l : layers) {
            h = l.forward(h);
        }
        return proj.forward(h);
    }

    /** conv3x3 - BN - ReLU - conv3x3 - BN, plus the (projected) input, then ReLU. */
    static final class BasicBlock extends Module {
        private final Conv2d conv1;
        private final BatchNorm2d bn1;
        private final Conv2d conv2;
        private final BatchNorm2d bn2;
        private final Sequential downsample;

        BasicBlock(int in, int planes, int stride, SplittableRandom rng) {
            conv1 = registerModule("conv1", new Conv2d(in, planes, 3, stride, 1, false, rng));
            bn1 = registerModule("bn1", new BatchNorm2d(planes));
            conv2 = registerModule("conv2", new Conv2d(planes, planes, 3, 1, 1, false, rng));
            bn2 = registerModule("bn2", new BatchNorm2d(planes));
            downsample = stride != 1 || in != planes
                    ? registerModule("downsample", new Sequential(new Conv2d(in, planes, 1, stride, 0, false, rng),
                        new BatchNorm2d(planes)))
                    : null;
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor h = bn1.forward(conv1.forward(x)).relu();
            h = bn2.forward(conv2.forward(h));
            return h.add(downsample == null ? x : downsample.forward(x)).relu();
        }
    }

    /** 1x1 reduce - 3x3 (carries the stride, as torchvision's v1.5) - 1x1 expand by 4, plus the input. */
    static final class Bottleneck extends Module {
        private final Conv2d conv1;
        private final BatchNorm2d bn1;
        private final Conv2d conv2;
        private final BatchNorm2d bn2;
        private final Conv2d conv3;
        private final BatchNorm2d bn3;
        private final Sequential downsample;

        Bottleneck(int in, int planes, int stride, SplittableRandom rng) {
            int out = planes * 4;
            conv1 = registerModule("conv1", new Conv2d(in, planes, 1, 1, 0, false, rng));
            bn1 = registerModule("bn1", new BatchNorm2d(planes));
            conv2 = registerModule("conv2", new Conv2d(planes, planes, 3, stride, 1, false, rng));
            bn2 = registerModule("bn2", new BatchNorm2d(planes));
            conv3 = registerModule("conv3", new Conv2d(planes, out, 1, 1, 0, false, rng));
            bn3 = registerModule("bn3", new BatchNorm2d(out));
            downsample = stride != 1 || in != out
                    ? registerModule("downsample", new Sequential(new Conv2d(in, out, 1, stride, 0, false, rng),
                        new BatchNorm2d(out)))
                    : null;
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor h = bn1.forward(conv1.forward(x)).relu();
            h = bn2.forward(conv2.forward(h)).relu();
            h = bn3.forward(conv3.forward(h));
            return h.add(downsample == null ? x : downsample.forward(x)).relu();
        }
    }
}
