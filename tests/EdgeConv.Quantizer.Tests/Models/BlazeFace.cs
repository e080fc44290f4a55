namespace EdgeConv.Quantizer.Tests.Models;

/// <summary>A face BlazeFace front found: a box in [0, 1] image coordinates of the 128×128 input, and its score.</summary>
internal readonly record struct Face(float XMin, float YMin, float XMax, float YMax, float Score)
{
    public float Area => Math.Max(0, XMax - XMin) * Math.Max(0, YMax - YMin);

    public static float IoU(Face a, Face b)
    {
        float w = Math.Min(a.XMax, b.XMax) - Math.Max(a.XMin, b.XMin);
        float h = Math.Min(a.YMax, b.YMax) - Math.Max(a.YMin, b.YMin);
        if (w <= 0 || h <= 0)
            return 0;
        float inter = w * h;
        return inter / (a.Area + b.Area - inter);
    }

    public override string ToString() => $"[{XMin:F3},{YMin:F3} - {XMax:F3},{YMax:F3}] score {Score:F3}";
}

/// <summary>
/// MediaPipe's post-processing for face_detection_front (128×128), written from the calculator
/// options its graph sets: SsdAnchorsCalculator (4 layers, strides 8, 16, 16, 16, fixed anchor
/// size, offset 0.5: 16×16×2 + 8×8×6 = 896 anchors), TensorsToDetectionsCalculator (16 coords,
/// x/y/w/h scale 128, sigmoid scores clipped at ±100, reverse_output_order: x, y, w, h) and
/// NonMaxSuppressionCalculator (IoU 0.3, weighted). Input: RGB in [-1, 1].
/// </summary>
internal static class BlazeFace
{
    public const int Size = 128;
    public const float ScoreThreshold = 0.5f;
    public const float NmsIoU = 0.3f;
    private const float Scale = 128f;
    private const float ScoreClip = 100f;

    /// <summary>The 896 anchor centres in [0, 1], stride-8 layer first (the order of the model's outputs).</summary>
    public static readonly (float X, float Y)[] Anchors = BuildAnchors();

    private static (float X, float Y)[] BuildAnchors()
    {
        int[] strides = [8, 16, 16, 16];
        var anchors = new List<(float, float)>();
        int layer = 0;
        while (layer < strides.Length)
        {
            // Consecutive layers with the same stride share one grid; each contributes 2 anchors per
            // cell (aspect ratio 1 and the interpolated scale), all of size 1 with fixed_anchor_size.
            int perCell = 0, last = layer;
            while (last < strides.Length && strides[last] == strides[layer])
            {
                perCell += 2;
                last++;
            }
            int grid = (int)Math.Ceiling((double)Size / strides[layer]);
            for (int y = 0; y < grid; y++)
                for (int x = 0; x < grid; x++)
                    for (int a = 0; a < perCell; a++)
                        anchors.Add(((x + 0.5f) / grid, (y + 0.5f) / grid));
            layer = last;
        }
        return [.. anchors];
    }

    /// <summary>
    /// Detections from the model's outputs (scores 512 + 384 logits, regressors 512 + 384 × 16), in
    /// the imported model's output order: scores 512, scores 384, boxes 512, boxes 384.
    /// </summary>
    public static List<Face> Detect(IReadOnlyList<float[]> outputs)
    {
        float[] logits = [.. outputs[0], .. outputs[1]];
        float[] boxes = [.. outputs[2], .. outputs[3]];
        if (logits.Length != Anchors.Length || boxes.Length != Anchors.Length * 16)
            throw new ArgumentException($"expected {Anchors.Length} scores and {Anchors.Length * 16} box values, got {logits.Length} and {boxes.Length}.");
        var candidates = new List<Face>();
        for (int i = 0; i < Anchors.Length; i++)
        {
            float score = 1f / (1f + MathF.Exp(-Math.Clamp(logits[i], -ScoreClip, ScoreClip)));
            if (score < ScoreThreshold)
                continue;
            var (ax, ay) = Anchors[i];
            float cx = boxes[i * 16] / Scale + ax, cy = boxes[i * 16 + 1] / Scale + ay;
            float w = boxes[i * 16 + 2] / Scale, h = boxes[i * 16 + 3] / Scale;
            candidates.Add(new Face(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score));
        }
        return WeightedNms(candidates);
    }

    /// <summary>
    /// MediaPipe's WEIGHTED non-max suppression: take the best remaining candidate, gather every
    /// remaining candidate overlapping it by more than the IoU threshold, and emit their
    /// score-weighted mean box with the best one's score.
    /// </summary>
    public static List<Face> WeightedNms(List<Face> candidates)
    {
        var remaining = candidates.OrderByDescending(f => f.Score).ToList();
        var result = new List<Face>();
        while (remaining.Count > 0)
        {
            var top = remaining[0];
            var cluster = remaining.Where(f => Face.IoU(top, f) > NmsIoU).ToList();
            remaining = remaining.Where(f => Face.IoU(top, f) <= NmsIoU).ToList();
            remaining.Remove(top);
            float total = cluster.Sum(f => f.Score);
            result.Add(new Face(cluster.Sum(f => f.XMin * f.Score) / total, cluster.Sum(f => f.YMin * f.Score) / total,
                cluster.Sum(f => f.XMax * f.Score) / total, cluster.Sum(f => f.YMax * f.Score) / total, top.Score));
        }
        return result;
    }
}
