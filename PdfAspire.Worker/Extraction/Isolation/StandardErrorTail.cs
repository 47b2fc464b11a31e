namespace PdfAspire.Worker.Extraction.Isolation;

/// <summary>
/// What an extractor process wrote to stderr that explains its death: the runtime's verdict ("Stack overflow.",
/// "Unhandled exception.") is printed before a stack that can run to thousands of lines, so it is kept apart.
/// </summary>
internal sealed class StandardErrorTail
{
    private const int MaxLineLength = 300;
    private readonly Lock _gate = new();
    private string? _verdict;
    private string? _last;

    public void Add(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }
        line = line.Length <= MaxLineLength ? line.Trim() : line[..MaxLineLength].Trim();
        lock (_gate)
        {
            _last = line;
            if (_verdict is null && (line.StartsWith("Stack overflow", StringComparison.Ordinal)
                    || line.StartsWith("Unhandled exception", StringComparison.Ordinal)
                    || line.StartsWith("Out of memory", StringComparison.Ordinal)))
            {
                _verdict = line;
            }
        }
    }

    /// <summary>The verdict since the last <see cref="Clear"/>, else the last line, else null.</summary>
    public string? Reason()
    {
        lock (_gate)
        {
            return _verdict ?? _last;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            (_verdict, _last) = (null, null);
        }
    }
}
