namespace EdgeConv.Kernels.Optimized;

/// <summary>
/// Which input row each slot of a depthwise kernel's ring of prepared rows holds (the slot numbers live in
/// the caller's scratch). A kernel prepares each input row its windows need once per image, into slot
/// iy mod slots, and reuses it for every output row that reads it; a ring of (kh−1)·dilation_h+1 slots (or
/// more) always holds the rows one output row reads.
/// </summary>
internal ref struct InputRowRing
{
    private readonly Span<int> _slotRows;
    private int _image;

    /// <summary>A ring over <paramref name="slotRows"/>, one int per slot; it holds nothing until <see cref="Image"/>.</summary>
    public InputRowRing(Span<int> slotRows)
    {
        _slotRows = slotRows;
        _image = -1;
    }

    /// <summary>Moves to image <paramref name="b"/>: a new image (or a slice's first row) forgets every slot.</summary>
    public void Image(int b)
    {
        if (b == _image)
            return;
        _slotRows.Fill(int.MinValue);   // no row number
        _image = b;
    }

    /// <summary>
    /// The slot of input row <paramref name="iy"/> (any row number, also one above or below the image);
    /// <paramref name="prepare"/> says it held another row, so the caller prepares it now.
    /// </summary>
    public int Slot(int iy, out bool prepare)
    {
        int slot = (iy % _slotRows.Length + _slotRows.Length) % _slotRows.Length;
        prepare = _slotRows[slot] != iy;
        _slotRows[slot] = iy;
        return slot;
    }
}
