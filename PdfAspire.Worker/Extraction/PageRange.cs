namespace PdfAspire.Worker.Extraction;

/// <summary>Pages <see cref="First"/> to <see cref="Last"/> of a document, numbered from 1, both included.</summary>
public readonly record struct PageRange(int First, int Last)
{
    public int Count => Last - First + 1;

    /// <summary>The whole of any document: an extractor stops at its last page.</summary>
    public static PageRange All { get; } = new(1, int.MaxValue);

    public override string ToString() => $"pages {First}-{Last}";
}
