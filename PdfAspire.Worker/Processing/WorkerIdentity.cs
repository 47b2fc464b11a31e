namespace PdfAspire.Worker.Processing;

/// <summary>Who this worker is in Redis: its processing list, lease and the worker id ingest is told.</summary>
public sealed record WorkerIdentity(string Id, DateTimeOffset StartedAt);
