namespace PdfAspire.Worker.Extraction.Isolation;

/// <summary>
/// The pool's idle extractor slots. A document waiting for its own slot is always served first. A slot is lent for
/// one more page range of a long document only when it is spare: when fewer of the worker's documents are in progress
/// (<see cref="ExpectDocument"/>: from the start of its download to the end of its task) than hold a slot or have one
/// idle for them. A busy worker, whose next task arrives while the last one's result is being submitted, lends
/// nothing; an idle one lends every extractor. A loan delays a new document by at most the range it is running.
/// Each slot holds its extractor, or null until a document first needs one.
/// </summary>
internal sealed class ExtractorSlots
{
    /// <summary>
    /// A document's task ends and, on a busy worker, the next one is taken with its outcome a moment later: a slot
    /// freed that way is offered to loans only if no document has claimed it by then.
    /// </summary>
    private static readonly TimeSpan ReclaimGrace = TimeSpan.FromMilliseconds(50);

    private readonly Lock _gate = new();

    /// <summary>Last in, first out: the most recently used extractors stay warm, and empty slots start only when needed.</summary>
    private readonly Stack<ExtractorProcess?> _idle = new();

    private readonly LinkedList<TaskCompletionSource<ExtractorProcess?>> _documents = new();
    private readonly LinkedList<TaskCompletionSource<ExtractorProcess?>> _loans = new();

    /// <summary>Documents in progress (<see cref="ExpectDocument"/>), and how many of them hold a slot now.</summary>
    private int _inProgress;
    private int _holding;

    public ExtractorSlots(int size)
    {
        for (var i = 0; i < size; i++)
        {
            _idle.Push(null);
        }
        Size = size;
    }

    public int Size { get; }

    /// <summary>A document is on its way (its download has started): keep a slot for it rather than lend one.</summary>
    public IDisposable ExpectDocument()
    {
        lock (_gate)
        {
            _inProgress++;
        }
        return new Expected(this);
    }

    /// <summary>
    /// Whether a lent slot should come back after its current range: a document waits for a slot, or one in progress
    /// has none and none is idle for it.
    /// </summary>
    public bool LoanWanted
    {
        get
        {
            lock (_gate)
            {
                return _documents.Count > 0 || Math.Max(0, _inProgress - _holding) > _idle.Count;
            }
        }
    }

    /// <summary>A slot for a document of its own, as soon as one is idle or returned.</summary>
    public Task<ExtractorProcess?> TakeAsync(CancellationToken ct) => WaitAsync(_documents, ct);

    /// <summary>A slot lent for page ranges, once one is spare and no document waits for it.</summary>
    public Task<ExtractorProcess?> BorrowAsync(CancellationToken ct) => WaitAsync(_loans, ct);

    /// <summary>
    /// Takes the idle slots that have no extractor yet, from the next one on to the first that has one, for the pool to
    /// start one in each and <see cref="Return"/> it (not lent). Returns how many it took.
    /// </summary>
    public int TakeUnstarted()
    {
        lock (_gate)
        {
            var taken = 0;
            while (_idle.TryPeek(out var next) && next is null)
            {
                _idle.Pop();
                taken++;
            }
            return taken;
        }
    }

    /// <summary>
    /// Gives a slot back: <paramref name="lent"/> when it was not a document's own (borrowed with <see cref="BorrowAsync"/>,
    /// or taken with <see cref="TakeUnstarted"/>).
    /// </summary>
    public void Return(ExtractorProcess? slot, bool lent)
    {
        lock (_gate)
        {
            if (!lent)
            {
                _holding--;
            }
            if (_documents.First is { } document)
            {
                Hand(document, slot);
                _holding++;
                return;
            }
            _idle.Push(slot);
            LendSpare();
        }
    }

    /// <summary>Under the lock: slots idle beyond what the documents in progress without one may claim go to loans.</summary>
    private void LendSpare()
    {
        var claimed = Math.Max(0, _inProgress - _holding);
        while (_loans.First is { } loan && _idle.Count > claimed)
        {
            Hand(loan, _idle.Pop());
        }
    }

    private static void Hand(LinkedListNode<TaskCompletionSource<ExtractorProcess?>> waiter, ExtractorProcess? slot)
    {
        waiter.List!.Remove(waiter);
        // Removed under the lock, so its cancellation can no longer claim it: the waiter owns the slot now.
        waiter.Value.SetResult(slot);
    }

    private async Task<ExtractorProcess?> WaitAsync(LinkedList<TaskCompletionSource<ExtractorProcess?>> queue, CancellationToken ct)
    {
        LinkedListNode<TaskCompletionSource<ExtractorProcess?>> waiter;
        lock (_gate)
        {
            ct.ThrowIfCancellationRequested();
            var document = queue == _documents;
            if (_idle.Count > 0 && (document || (_documents.Count == 0 && _idle.Count > Math.Max(0, _inProgress - _holding))))
            {
                _holding += document ? 1 : 0;
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

    private void DocumentEnded()
    {
        lock (_gate)
        {
            _inProgress--;
        }
        _ = Task.Delay(ReclaimGrace).ContinueWith(_ =>
        {
            lock (_gate)
            {
                LendSpare();
            }
        }, TaskScheduler.Default);
    }

    private sealed class Expected(ExtractorSlots slots) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                slots.DocumentEnded();
            }
        }
    }
}
