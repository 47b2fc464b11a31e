namespace PdfAspire.Worker.Extraction.Isolation;

/// <summary>Who holds a slot taken from <see cref="ExtractorSlots"/>.</summary>
internal enum SlotHolder
{
    /// <summary>A document, for its own extraction.</summary>
    Document,

    /// <summary>A document of the first lane, which may also take the slot kept for that lane.</summary>
    FirstLaneDocument,

    /// <summary>A long document's page ranges, or the pool starting extractors: given back when a document wants it.</summary>
    Loan,
}

/// <summary>
/// The pool's idle extractor slots. A document waiting for its own slot is always served first, the first lane's
/// before the others; with lanes in strict order, the last idle slot is kept for the first lane's documents (unless one
/// of them holds a slot already), as the consumer keeps a task slot for it. A slot is lent for
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

    private readonly LinkedList<TaskCompletionSource<ExtractorProcess?>> _firstLaneDocuments = new();
    private readonly LinkedList<TaskCompletionSource<ExtractorProcess?>> _documents = new();
    private readonly LinkedList<TaskCompletionSource<ExtractorProcess?>> _loans = new();

    /// <summary>Slots kept for the first lane's documents (0 or 1).</summary>
    private readonly int _reserved;

    /// <summary>Documents in progress (<see cref="ExpectDocument"/>), how many of them hold a slot now, and how many of those are the first lane's.</summary>
    private int _inProgress;
    private int _holding;
    private int _firstLaneHolding;

    /// <param name="size">Slots, the kept ones included.</param>
    /// <param name="reserved">Of those, how many only the first lane's documents may take when they are the last idle.</param>
    public ExtractorSlots(int size, int reserved = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(reserved, size);
        for (var i = 0; i < size; i++)
        {
            _idle.Push(null);
        }
        (Size, _reserved) = (size, reserved);
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
                return _firstLaneDocuments.Count + _documents.Count > 0 || Claimed > _idle.Count;
            }
        }
    }

    /// <summary>
    /// A slot for a document of its own (<paramref name="holder"/> says whether the first lane's), as soon as one is
    /// idle or returned that it may take.
    /// </summary>
    public Task<ExtractorProcess?> TakeAsync(SlotHolder holder, CancellationToken ct) =>
        WaitAsync(holder == SlotHolder.FirstLaneDocument ? _firstLaneDocuments : _documents, ct);

    /// <summary>A slot lent for page ranges, once one is spare and no document waits for it.</summary>
    public Task<ExtractorProcess?> BorrowAsync(CancellationToken ct) => WaitAsync(_loans, ct);

    /// <summary>Documents in progress that hold no slot: each may claim an idle one.</summary>
    private int Claimed => Math.Max(0, _inProgress - _holding);

    /// <summary>Idle slots a document that is not the first lane's must leave: the kept one, unless the lane holds one.</summary>
    private int KeptIdle => Math.Max(0, _reserved - _firstLaneHolding);

    /// <summary>
    /// Takes the idle slots that have no extractor yet, from the next one on to the first that has one, for the pool to
    /// start one in each and <see cref="Return"/> it as a loan. Returns how many it took.
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

    /// <summary>Gives a slot back, as <paramref name="holder"/> took it (<see cref="TakeUnstarted"/>: as a loan).</summary>
    public void Return(ExtractorProcess? slot, SlotHolder holder)
    {
        lock (_gate)
        {
            if (holder != SlotHolder.Loan)
            {
                _holding--;
            }
            if (holder == SlotHolder.FirstLaneDocument)
            {
                _firstLaneHolding--;
            }
            _idle.Push(slot);
            ServeDocuments();
            LendSpare();
        }
    }

    /// <summary>Under the lock: idle slots go to the documents waiting, the first lane's first, as far as each may take one.</summary>
    private void ServeDocuments()
    {
        while (_idle.Count > 0)
        {
            if (_firstLaneDocuments.First is { } firstLane)
            {
                HandToDocument(firstLane, SlotHolder.FirstLaneDocument);
            }
            else if (_documents.First is { } document && _idle.Count > KeptIdle)
            {
                HandToDocument(document, SlotHolder.Document);
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>Under the lock: slots idle beyond what the documents in progress without one may claim go to loans.</summary>
    private void LendSpare()
    {
        while (_loans.First is { } loan && _idle.Count > Claimed)
        {
            Hand(loan, _idle.Pop());
        }
    }

    private void HandToDocument(LinkedListNode<TaskCompletionSource<ExtractorProcess?>> waiter, SlotHolder holder)
    {
        Held(holder);
        Hand(waiter, _idle.Pop());
    }

    private void Held(SlotHolder holder)
    {
        _holding++;
        _firstLaneHolding += holder == SlotHolder.FirstLaneDocument ? 1 : 0;
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
            // No document waits while one could be served (Return serves them), so an idle slot this one may take is free.
            if (queue == _firstLaneDocuments && _idle.Count > 0)
            {
                Held(SlotHolder.FirstLaneDocument);
                return _idle.Pop();
            }
            if (queue == _documents && _idle.Count > KeptIdle)
            {
                Held(SlotHolder.Document);
                return _idle.Pop();
            }
            if (queue == _loans && _firstLaneDocuments.Count + _documents.Count == 0 && _idle.Count > Claimed)
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
