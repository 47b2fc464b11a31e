using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using PdfAspire.Admin.Uploads;
using PdfAspire.TaskQueue;

namespace PdfAspire.Admin.Components.Pages.Upload;

/// <summary>Uploads each chosen file in turn, showing its progress and then its task or why it was refused.</summary>
public partial class Upload
{
    private const int MaxFiles = 20;

    private readonly List<FileRow> _files = [];
    private bool _busy;
    private bool _ready;

    [Inject] private DocumentUploader Uploader { get; set; } = default!;

    [Inject] private QueueLanes Lanes { get; set; } = default!;

    /// <summary>The lane the next files go to (a choice only when there is more than one).</summary>
    private string _lane = "";

    protected override void OnInitialized()
    {
        base.OnInitialized();
        _lane = Lanes.Default.Name;
    }

    /// <summary>
    /// The file input's script is set up in its first interactive render (a JS call); a render after it, sent over the
    /// same circuit, reaches the browser only once that call has. Files set before it would go unnoticed.
    /// </summary>
    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            _ready = true;
            StateHasChanged();
        }
    }

    private Task UploadAsync(InputFileChangeEventArgs e) => AsOperatorAsync(async () =>
    {
        _busy = true;
        _files.Clear();
        var chosen = e.GetMultipleFiles(MaxFiles);
        _files.AddRange(chosen.Select(f => new FileRow(f.Name)));
        try
        {
            for (var i = 0; i < chosen.Count; i++)
            {
                await UploadOneAsync(chosen[i], _files[i]);
            }
        }
        finally
        {
            _busy = false;
        }
    });

    private async Task UploadOneAsync(IBrowserFile file, FileRow row)
    {
        if (Uploader.RefusalBeforeReading(file.Name, file.Size) is { } refusal)
        {
            row.Outcome = new UploadOutcome(file.Name, false, refusal);
            StateHasChanged();
            return;
        }
        var progress = new Progress<double>(share =>
        {
            row.Progress = share;
            StateHasChanged();
        });
        // The browser stream is capped at the limit too, so a client that lies about the size cannot send more.
        await using var stream = file.OpenReadStream(Uploader.MaxBytes);
        row.Outcome = await Uploader.UploadAsync(file.Name, file.Size, stream, OperatorName, progress, CancellationToken.None, _lane);
        row.Progress = 1;
        StateHasChanged();
    }

    private sealed class FileRow(string name)
    {
        public string Name { get; } = name;
        public double Progress { get; set; }
        public UploadOutcome? Outcome { get; set; }
    }
}
