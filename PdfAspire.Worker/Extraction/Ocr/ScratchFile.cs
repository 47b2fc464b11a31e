namespace PdfAspire.Worker.Extraction.Ocr;

/// <summary>
/// The document as a file in a private temporary folder, written only when a page first needs OCR (pdftoppm reads
/// files), and removed with everything rendered beside it when the document is done.
/// </summary>
public sealed class ScratchFile(Stream pdf) : IDisposable
{
    private DirectoryInfo? _folder;

    public string Folder => EnsureWritten().FullName;

    public string PdfPath => Path.Combine(Folder, "document.pdf");

    private DirectoryInfo EnsureWritten()
    {
        if (_folder is null)
        {
            _folder = Directory.CreateTempSubdirectory("pdfaspire-ocr-");
            using var file = File.Create(Path.Combine(_folder.FullName, "document.pdf"));
            var position = pdf.Position;
            pdf.Position = 0;
            pdf.CopyTo(file);
            pdf.Position = position;
        }
        return _folder;
    }

    public void Dispose() => _folder?.Delete(recursive: true);
}
