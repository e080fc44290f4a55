using EdgeConv.Graph;
using EdgeConv.Kernels;
using EdgeConv.Kernels.Float;
using EdgeConv.Kernels.Optimized;
using EdgeConv.Kernels.Reference;
using EdgeConv.Quantization;
using EdgeConv.Tests.Support;

namespace EdgeConv.Tests.Kernels;

public class KernelAllocationTests
{
    [Fact]
    public void RunMethods_AllocateNothing()
    {
        var rng = new Random(3);
        var shape = new Shape4(1, 3, 3, 8);
        var bcast = new Shape4(1, 1, 1, 8);
        sbyte[] a = RandomTensors.Int8(rng, shape.FlatSize), b = RandomTensors.Int8(rng, bcast.FlatSize);
        var q = new sbyte[shape.FlatSize];
        var f = new float[shape.FlatSize];
        var f2 = new float[shape.FlatSize];
        var fb = new float[bcast.FlatSize];
        var mean = new sbyte[8];
        var meanF = new float[8];

        var softmax = SoftmaxInt8Reference.Prepare(1f, 0.1f, 1f / 256, -128);
        var logistic = LogisticInt8Reference.Prepare(0.1f, 0, 1f / 256, -128);
        var hardSwish = HardSwishInt8Reference.Prepare(0.1f, 0, 0.1f, 0);
        var add = AddInt8Reference.Prepare(0.1f, 0, 0.2f, 1, 0.2f, 2, FusedActivation.Relu);
        var mul = MulInt8Reference.Prepare(0.1f, 0, 0.2f, 1, 0.2f, 2, FusedActivation.None);
        var meanP = MeanInt8Reference.Prepare(0.1f, 0, 0.2f, 3);
        var quantize = QuantizeReference.PrepareFromFloat(0.1f, 0);
        var requantize = QuantizeReference.PrepareRequantize(0.1f, 0, 0.2f, 3);
        var dequantize = DequantizeReference.Prepare(0.1f, 0);
        var sub = SubInt8Reference.Prepare(0.1f, 0, 0.2f, 1, 0.2f, 2, FusedActivation.None);
        var relu = ReluInt8Reference.PrepareRelu(0.1f, 0, 0.2f, 3);
        var relu6 = Relu6Int8Reference.Prepare(0.1f, 0, 0.1f, 0);
        var leaky = LeakyReluInt8Reference.Prepare(0.1f, 0, 0.2f, 3, 0.1f);
        var small = new Shape4(1, 2, 2, 8);
        var resized = new sbyte[small.FlatSize];
        var resizedF = new float[small.FlatSize];
        var equal = EqualInt8Reference.Prepare(0.1f, 0, 0.2f, 1);
        var bools = new bool[shape.FlatSize];
        var sliced = new byte[small.FlatSize];
        int[] sliceIn = [1, 3, 3, 8], sliceBegin = [0, 1, 1, 0], sliceOut = [1, 2, 2, 8];
        // The optimized kernels of the non-conv ops (the conv ones have their own tests in OptimizedKernelEquivalenceTests).
        var poolGeometry = ConvGeometry.Create(Padding.Same, 2, 2, 1, 1, 3, 3, 2, 2, out int poolH, out int poolW);
        var pooled = new Shape4(1, poolH, poolW, 8);
        var pools = new[] { true, false }.SelectMany(isMax => new[] { VectorWidth.Vector128, VectorWidth.Vector256 }
            .Select(w => new Pool2DInt8Vector(isMax, poolGeometry, 2, 2, -128, 127, shape, pooled, w))).ToArray();
        var pooledOut = new sbyte[pooled.FlatSize];
        var addVector = new AddInt8Vector128(add);
        var subX86 = Enum.GetValues<AddInt8X86Isa>().Where(AddInt8X86.IsSupported).Select(isa => new AddInt8X86(sub, isa, subtract: true)).ToArray();
        var pad = new Pad4DVector128([1, 3, 3, 8], [0, 1, 0, 2], [1, 4, 3, 10], [0]);
        var padded = new byte[4 * 3 * 10];
        var meanVector = new MeanInt8Vector128(meanP, shape);

        void RunAll()
        {
            SoftmaxInt8Reference.Run(softmax, a, q, 8);
            LogisticInt8Reference.Run(logistic, a, q);
            HardSwishInt8Reference.Run(hardSwish, a, q);
            AddInt8Reference.Run(add, shape, a, bcast, b, shape, q);
            AddInt8Reference.Run(add, shape, a, shape, a, shape, q);
            MulInt8Reference.Run(mul, shape, a, bcast, b, shape, q);
            MeanInt8Reference.Run(meanP, shape, a, mean);
            DequantizeReference.Run(dequantize, a, f);
            QuantizeReference.Run(quantize, f, q);
            QuantizeReference.Run(requantize, a, q);
            SoftmaxFloat.Run(f, f2, 8, 1f);
            LogisticFloat.Run(f, f2);
            HardSwishFloat.Run(f, f2);
            AddFloat.Run(shape, f, bcast, fb, shape, f2, FusedActivation.Relu6);
            MulFloat.Run(shape, f, bcast, fb, shape, f2, FusedActivation.None);
            MeanFloat.Run(shape, f, meanF);
            SubInt8Reference.Run(sub, shape, a, bcast, b, shape, q);
            ReluInt8Reference.Run(relu, a, q);
            Relu6Int8Reference.Run(relu6, a, q);
            LeakyReluInt8Reference.Run(leaky, a, q);
            ResizeNearestNeighborReference.Run(true, false, shape, a, small, resized);
            ResizeNearestNeighborReference.Run(false, true, shape, f, small, resizedF);
            ResizeBilinearInt8Reference.Run(false, true, shape, a, small, resized);
            ResizeBilinearFloat.Run(true, false, shape, f, small, resizedF);
            SubFloat.Run(shape, f, bcast, fb, shape, f2, FusedActivation.ReluN1To1);
            ReluFloat.Relu(f, f2);
            LeakyReluFloat.Run(f, f2, 0.2f);
            SliceReference.Run(System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()), sliceIn, sliceBegin, sliceOut, 1, sliced);
            MaximumMinimumReference.Run(true, shape, a, bcast, b, shape, q);
            MaximumMinimumFloat.Run(false, shape, f, bcast, fb, shape, f2);
            EqualInt8Reference.Run(equal, shape, a, bcast, b, shape, bools);
            EqualFloat.Run(shape, f, shape, f2, shape, bools);
            CastReference.Run(ElementType.Int8, System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()), ElementType.Float32,
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(f2.AsSpan()), a.Length);
            foreach (var pool in pools)
                pool.Run(a, pooledOut, 0, pooled.N * pooled.H);
            addVector.Run(a, a, q);
            foreach (var kernel in subX86)
                kernel.Run(a, a, q);
            pad.Run(System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()), padded);
            meanVector.Run(a, mean);
        }

        Allocations.AssertNoneAfterWarmUp(RunAll);
    }
}
