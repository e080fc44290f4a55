using EdgeConv.Quantizer.Onnx;

namespace EdgeConv.Quantizer.Import;

/// <summary>
/// A value known while importing (initializer, Constant, folded shape arithmetic): ONNX shape
/// and row-major values widened to double.
/// </summary>
internal sealed class HostTensor
{
    public HostTensor(int[] shape, double[] values, OnnxDataType type)
    {
        long n = 1;
        foreach (int d in shape)
            n *= d;
        if (n != values.Length)
            throw new ArgumentException($"Shape {Layouts.Format(shape)} needs {n} values, got {values.Length}.");
        Shape = shape;
        Values = values;
        Type = type;
    }

    public int[] Shape { get; }
    public double[] Values { get; }
    public OnnxDataType Type { get; }
    public int Rank => Shape.Length;

    public static HostTensor From(OnnxTensor t, string context)
    {
        var shape = new int[t.Dims.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            if (t.Dims[i] > int.MaxValue)
                throw new OnnxImportException($"{context}: dim {t.Dims[i]} is too large.");
            shape[i] = (int)t.Dims[i];
        }
        return new HostTensor(shape, t.Values, t.DataType);
    }

    public static HostTensor Ints(params long[] values) =>
        new([values.Length], Array.ConvertAll(values, v => (double)v), OnnxDataType.Int64);

    public static HostTensor Scalar(double v, OnnxDataType type = OnnxDataType.Float) => new([], [v], type);

    public bool IsFloat => Type is OnnxDataType.Float or OnnxDataType.Double or OnnxDataType.Float16;

    public float[] ToFloats() => Array.ConvertAll(Values, v => (float)v);

    public long[] ToLongs() => Array.ConvertAll(Values, v => v >= long.MaxValue ? long.MaxValue : v <= long.MinValue ? long.MinValue : (long)v);

    public int[] ToInts(string context) => Array.ConvertAll(Values, v =>
        v is > int.MaxValue or < int.MinValue ? throw new OnnxImportException($"{context}: value {v} does not fit int32.") : (int)v);

    public HostTensor Reshape(int[] shape) => new(shape, Values, Type);

    public HostTensor WithType(OnnxDataType type)
    {
        bool toInt = type is not (OnnxDataType.Float or OnnxDataType.Double or OnnxDataType.Float16);
        var v = toInt ? Array.ConvertAll(Values, x => type == OnnxDataType.Bool ? (x != 0 ? 1 : 0) : Math.Truncate(x))
            : type == OnnxDataType.Float ? Array.ConvertAll(Values, x => (double)(float)x) : Values;
        return new HostTensor(Shape, v, type);
    }

    /// <summary>ONNX/numpy Transpose with <paramref name="perm"/>: result dim i = this dim perm[i].</summary>
    public HostTensor Transpose(ReadOnlySpan<int> perm)
    {
        int rank = Rank;
        var outShape = Layouts.Apply(Shape, perm);
        var inStrides = Strides(Shape);
        var r = new double[Values.Length];
        var idx = new int[rank];
        for (int flat = 0; flat < r.Length; flat++)
        {
            int src = 0;
            for (int i = 0; i < rank; i++)
                src += idx[i] * inStrides[perm[i]];
            r[flat] = Values[src];
            for (int i = rank - 1; i >= 0; i--)
            {
                if (++idx[i] < outShape[i])
                    break;
                idx[i] = 0;
            }
        }
        return new HostTensor(outShape, r, Type);
    }

    /// <summary>numpy broadcasting of an element-wise function.</summary>
    public static HostTensor Broadcast(HostTensor a, HostTensor b, Func<double, double, double> f, OnnxDataType type, string context)
    {
        var shape = BroadcastShape(a.Shape, b.Shape, context);
        int rank = shape.Length;
        var sa = BroadcastStrides(a.Shape, rank);
        var sb = BroadcastStrides(b.Shape, rank);
        long count = 1;
        foreach (int d in shape)
            count *= d;
        var r = new double[count];
        var idx = new int[rank];
        for (int flat = 0; flat < r.Length; flat++)
        {
            int ia = 0, ib = 0;
            for (int i = 0; i < rank; i++)
            {
                ia += idx[i] * sa[i];
                ib += idx[i] * sb[i];
            }
            r[flat] = f(a.Values[ia], b.Values[ib]);
            for (int i = rank - 1; i >= 0; i--)
            {
                if (++idx[i] < shape[i])
                    break;
                idx[i] = 0;
            }
        }
        return new HostTensor(shape, r, type);
    }

    /// <summary>This tensor expanded to <paramref name="shape"/> by numpy broadcasting.</summary>
    public HostTensor BroadcastTo(int[] shape, string context) =>
        Broadcast(this, new HostTensor(shape, new double[ShapeCount(shape)], Type), (x, _) => x, Type, context);

    public static int[] BroadcastShape(int[] a, int[] b, string context)
    {
        int rank = Math.Max(a.Length, b.Length);
        var r = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new OnnxImportException($"{context}: shapes {Layouts.Format(a)} and {Layouts.Format(b)} do not broadcast.");
            r[i] = da == 1 ? db : da;
        }
        return r;
    }

    public static long ShapeCount(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
            n *= d;
        return n;
    }

    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    private static int[] BroadcastStrides(int[] shape, int rank)
    {
        var own = Strides(shape);
        var r = new int[rank];
        int k = rank - shape.Length;
        for (int i = 0; i < shape.Length; i++)
            r[k + i] = shape[i] == 1 ? 0 : own[i];
        return r;
    }
}
