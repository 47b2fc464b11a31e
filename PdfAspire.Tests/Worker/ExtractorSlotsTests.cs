extern alias worker;

using worker::PdfAspire.Worker.Extraction.Isolation;

namespace PdfAspire.Tests.Worker;

/// <summary>
/// How the worker's extractor slots are handed out when it has more tasks in flight than extractors: documents in the
/// order they asked, the first lane's before them, and, with lanes in strict order, the last idle slot kept for the
/// first lane. The slots here hold no extractor (null until a document first needs one): the rules are what is tested.
/// </summary>
public sealed class ExtractorSlotsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task MoreDocumentsThanSlots_WaitAndAreServedInTheOrderTheyAsked()
    {
        var slots = new ExtractorSlots(1);
        await slots.TakeAsync(SlotHolder.Document, None);

        var second = slots.TakeAsync(SlotHolder.Document, None);
        var third = slots.TakeAsync(SlotHolder.Document, None);
        Assert.False(second.IsCompleted);

        slots.Return(null, SlotHolder.Document);
        // One slot came back, so only one of them can have it.
        Assert.Same(second, await Task.WhenAny(second, third));
        slots.Return(null, SlotHolder.Document);
        await third;
    }

    [Fact]
    public async Task TheLastIdleSlot_IsKeptForTheFirstLane()
    {
        var slots = new ExtractorSlots(size: 2, reserved: 1);
        await slots.TakeAsync(SlotHolder.Document, None);

        var bulk = slots.TakeAsync(SlotHolder.Document, None);
        Assert.False(bulk.IsCompleted);
        // The kept slot is idle, and the first lane's document takes it at once.
        var firstLane = slots.TakeAsync(SlotHolder.FirstLaneDocument, None);
        Assert.True(firstLane.IsCompletedSuccessfully);

        // The first lane holds a slot now, so the next one returned goes to the waiting bulk document.
        slots.Return(null, SlotHolder.Document);
        await bulk;
    }

    [Fact]
    public async Task WhileTheFirstLaneHoldsASlot_NoSlotIsKept()
    {
        var slots = new ExtractorSlots(size: 3, reserved: 1);
        await slots.TakeAsync(SlotHolder.FirstLaneDocument, None);

        var bulk = slots.TakeAsync(SlotHolder.Document, None);
        var more = slots.TakeAsync(SlotHolder.Document, None);

        Assert.True(bulk.IsCompletedSuccessfully);
        Assert.True(more.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task AReturnedSlot_GoesToTheFirstLaneBeforeDocumentsThatAskedEarlier()
    {
        var slots = new ExtractorSlots(size: 2, reserved: 1);
        await slots.TakeAsync(SlotHolder.FirstLaneDocument, None);
        await slots.TakeAsync(SlotHolder.Document, None);
        var bulk = slots.TakeAsync(SlotHolder.Document, None);
        var firstLane = slots.TakeAsync(SlotHolder.FirstLaneDocument, None);

        slots.Return(null, SlotHolder.Document);

        // One slot came back, so only one of them can have it.
        Assert.Same(firstLane, await Task.WhenAny(bulk, firstLane));
        slots.Return(null, SlotHolder.FirstLaneDocument);
        await bulk;
    }

    [Fact]
    public async Task NothingIsLent_WhileDocumentsInProgressHaveNoSlot()
    {
        var slots = new ExtractorSlots(2);
        using var downloading = slots.ExpectDocument();
        using var extracting = slots.ExpectDocument();
        await slots.TakeAsync(SlotHolder.Document, None);

        // One slot idle, and one document on its way that will claim it.
        var loan = slots.BorrowAsync(None);
        Assert.False(loan.IsCompleted);

        downloading.Dispose();
        slots.Return(null, SlotHolder.Document);
        // Two idle, and no document in progress without one: both are spare.
        await loan;
    }

    [Fact]
    public async Task AWaitingDocumentGivenUp_LeavesTheSlotForTheNext()
    {
        var slots = new ExtractorSlots(1);
        await slots.TakeAsync(SlotHolder.Document, None);
        using var gaveUp = new CancellationTokenSource();
        var abandoned = slots.TakeAsync(SlotHolder.Document, gaveUp.Token);
        var next = slots.TakeAsync(SlotHolder.Document, None);

        await gaveUp.CancelAsync();
        slots.Return(null, SlotHolder.Document);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        await next;
    }
}
