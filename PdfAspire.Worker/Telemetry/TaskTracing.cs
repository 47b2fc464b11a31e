using System.Diagnostics;
using PdfAspire.TaskQueue;

namespace PdfAspire.Worker.Telemetry;

/// <summary>Continues the producer's trace (the task's W3C traceparent) through extraction to the ingest call.</summary>
public static class TaskTracing
{
    private static readonly ActivitySource Source = new(PdfAspireTelemetry.Name);

    /// <summary>Started before the attempt is recorded, so the Redis and S3 calls are its children; tag the attempt then.</summary>
    public static Activity? StartTask(ValidTask task)
    {
        ActivityContext.TryParse(task.Traceparent, null, out var parent);
        var activity = Source.StartActivity("process pdf task", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "redis");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("pdfaspire.task_id", task.TaskId);
        return activity;
    }

    public static Activity? Start(string name) => Source.StartActivity(name);
}
