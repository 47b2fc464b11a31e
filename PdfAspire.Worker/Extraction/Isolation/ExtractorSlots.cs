namespace PdfAspire.Worker.Extraction.Isolation;

/// <summary>
/// The pool's idle extractor slots. A document waiting for its own slot is always served first; a slot is lent for
/// one more page range of a large document only when no document waits, so a loan delays a new document by at most
/// the range it is running. Each slot holds its extractor, or null until a document first needs one.
/// </summary>
internal sealed class ExtractorSlots
{
    private readonly Lock _gate = new();

    /// <summary>Last in, first out: the most recently used extractors stay warm, and empty slots start only when needed.</summary>
    private readonly Stack<ExtractorProcess?> _idle = new();

    private readonly LinkedList<TaskCompletionSource<ExtractorProcess?>> _documents = new();
    private readonly LinkedList<TaskCompletionSource<ExtractorProcess?>> _loans = new();

    public ExtractorSlots(int size)
    {
        for (var i = 0; i < size; i++)
        {
            _idle.Push(null);
        }
        Size = size;
    }

    public int Size { get; }

    /// <summary>A slot for a document of its own, as soon as one is idle or returned.</summary>
    public Task<ExtractorProcess?> TakeAsync(CancellationToken ct) => WaitAsync(_documents, ct);

    /// <summary>A slot lent for one page range, once one is idle and no document waits for it.</summary>
    public Task<ExtractorProcess?> BorrowAsync(CancellationToken ct) => WaitAsync(_loans, ct);

    public void Return(ExtractorProcess? slot)
    {
        lock (_gate)
        {
            var waiter = _documents.First ?? _loans.First;
            if (waiter is null)
            {
                _idle.Push(slot);
                return;
            }
            waiter.List!.Remove(waiter);
            // Removed under the lock, so its cancellation can no longer claim it: the waiter owns the slot now.
            waiter.Value.SetResult(slot);
        }
    }

    private async Task<ExtractorProcess?> WaitAsync(LinkedList<TaskCompletionSource<ExtractorProcess?>> queue, CancellationToken ct)
    {
        LinkedListNode<TaskCompletionSource<ExtractorProcess?>> waiter;
        lock (_gate)
        {
            ct.ThrowIfCancellationRequested();
            if (_idle.Count > 0 && (queue == _documents || _documents.Count == 0))
            {
                return _idle.Pop();
            }
            waiter = queue.AddLast(new TaskCompletionSource<ExtractorProcess?>(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        await using var cancel = ct.Register(() =>
        {
            lock (_gate)
            {
                if (waiter.List is not null)
                {
                    waiter.List.Remove(waiter);
                    waiter.Value.SetCanceled(ct);
                }
            }
        });
        return await waiter.Value.Task;
    }
}
