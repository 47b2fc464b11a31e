using System.Diagnostics;
using PdfAspire.TaskQueue;

namespace PdfAspire.Worker.Extraction.Isolation;

public sealed partial class ExtractorPool
{
    /// <summary>
    /// One document's extraction: its first pages on its own slot, which also tells its page count; a longer
    /// document's other pages in ranges (<see cref="PagePlan"/>) that its own slot takes in turn with any slots it can
    /// borrow while they are spare (<see cref="ExtractorSlots"/>), merged in page order. The document's deadline covers every range and kills every
    /// extractor still on it. A range that fails fails the document once its other ranges in flight are done. A lent
    /// range that runs far past its expected time is cut (its extractor killed) and redone on the document's own slot,
    /// which then borrows no more: a hostile document holds other slots only briefly.
    /// </summary>
    private sealed partial class DocumentExtraction(ExtractorPool pool, ReadOnlyMemory<byte> pdf, CancellationToken ct)
    {
        private readonly long _id = ExtractorProcess.NewDocumentId();
        private readonly List<ExtractedRange> _ranges = [];
        private long _replyBytes;

        public async Task<ExtractedPdf> RunAsync(ExtractorProcess own)
        {
            var splitPages = pool._options.Value.ExtractionSplitPages;
            var first = splitPages > 0 ? new PageRange(1, splitPages) : PageRange.All;
            var started = Stopwatch.GetTimestamp();
            var (range, bytes) = await own.ExtractAsync(_id, pdf, first, release: false, ct);
            Add(range, bytes);
            if (range.PageCount <= first.Last)
            {
                return Merge();
            }
            using var plan = new PagePlan(range.PageCount, first, Stopwatch.GetElapsedTime(started), pool._slots.Size);
            var helpers = BorrowSlotsAsync(plan);
            try
            {
                do
                {
                    await ExtractRangesAsync(own, plan, lent: false);
                    await helpers;
                    // A lent range that was cut came back after the own slot had run out of ranges.
                } while (plan.HasMore);
            }
            finally
            {
                // Only when the own slot failed: the deadline has killed the helpers' extractors, or they end their range.
                await helpers.ContinueWith(_ => { }, TaskScheduler.Default);
            }
            plan.ThrowIfFailed();
            // A lent extractor the deadline killed ends its range without a failure, and the own slot may have been
            // waiting for it rather than reading: without this, the pages read by then would go out as the document.
            ct.ThrowIfCancellationRequested();
            return Merge();
        }

        /// <summary>Borrows every slot that falls spare while the plan has ranges left, each taking ranges in turn.</summary>
        private async Task BorrowSlotsAsync(PagePlan plan)
        {
            var helpers = new List<Task<int>>();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(plan.StopBorrowing, ct);
            try
            {
                while (true)
                {
                    var slot = await pool._slots.BorrowAsync(stop.Token);
                    // A slot given back by a helper the deadline just killed can arrive before the linked token has
                    // heard of the deadline; the document's own token already has.
                    if (ct.IsCancellationRequested || plan.StopBorrowing.IsCancellationRequested)
                    {
                        pool._slots.Return(slot, SlotHolder.Loan);
                        break;
                    }
                    helpers.Add(pool.OnSlotAsync(slot, SlotHolder.Loan, e => ExtractRangesAsync(e, plan, lent: true)));
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            finally
            {
                await Task.WhenAll(helpers);
            }
        }

        /// <returns>How many ranges this extractor did.</returns>
        private async Task<int> ExtractRangesAsync(ExtractorProcess extractor, PagePlan plan, bool lent)
        {
            var done = 0;
            try
            {
                // A lent extractor goes back after its range as soon as a document of the worker's wants it.
                while (!(lent && pool._slots.LoanWanted) && plan.TryTake(out var range, out var last))
                {
                    if (!await ExtractRangeAsync(extractor, plan, range, last, lent))
                    {
                        return done;
                    }
                    done++;
                }
                await extractor.ReleaseAsync(ct);
            }
            catch (OperationCanceledException) when (lent && ct.IsCancellationRequested)
            {
                // The deadline: the document ends with it once its ranges in flight are done (RunAsync).
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                plan.Fail(e);
            }
            return done;
        }

        /// <returns>False when the range was lent and cut, and given back.</returns>
        private async Task<bool> ExtractRangeAsync(ExtractorProcess extractor, PagePlan plan, PageRange range, bool last, bool lent)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (lent)
            {
                limit.CancelAfter(plan.LoanLimit(range));
            }
            var started = Stopwatch.GetTimestamp();
            try
            {
                var (extracted, bytes) = await extractor.ExtractAsync(_id, pdf, range, last, limit.Token);
                plan.Record(range, Stopwatch.GetElapsedTime(started));
                pool._metrics.RecordExtractionRange(lent);
                Add(extracted, bytes);
                return true;
            }
            catch (OperationCanceledException) when (lent && !ct.IsCancellationRequested)
            {
                LogRangeCut(pool._logger, range, extractor.ProcessId);
                plan.GiveBack(range);
                return false;
            }
        }

        private void Add(ExtractedRange range, int replyBytes)
        {
            lock (_ranges)
            {
                _ranges.Add(range);
                _replyBytes += replyBytes;
            }
        }

        private ExtractedPdf Merge()
        {
            lock (_ranges)
            {
                // One reply is held to the extractor's memory limit as it is read; the whole text is held to it too.
                var limit = pool._options.Value.ExtractorMemoryLimitMb * (1L << 20);
                if (_replyBytes > limit)
                {
                    throw new TaskFailedException(FailureCategory.TooLarge,
                        $"the extracted text is {_replyBytes:N0} bytes, more than EXTRACTOR_MEMORY_LIMIT_MB allows");
                }
                // Every page is in one range or the document has failed; a page missing here is a bug, never the
                // document's fault, and must not reach ingest as its text.
                var pages = _ranges.Sum(r => r.Pages.Count);
                if (pages != _ranges[0].PageCount)
                {
                    throw new InvalidOperationException($"{_ranges[0].PageCount - pages} of the document's {_ranges[0].PageCount} pages were not read");
                }
                return ExtractedRange.Merge(_ranges, pool._settings.Ocr is not null);
            }
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "A lent range ({Range}) ran far past its expected time in extractor {ProcessId}; cut, and redone on the document's own extractor")]
        private static partial void LogRangeCut(ILogger logger, PageRange range, int processId);
    }
}
