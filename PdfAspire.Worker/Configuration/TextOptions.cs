using System.ComponentModel.DataAnnotations;
using PdfAspire.Worker.Extraction;

namespace PdfAspire.Worker.Configuration;

/// <summary>The shape of the delivered text, and OCR of scanned pages.</summary>
public sealed class TextOptions
{
    /// <summary>Joins a word hyphenated across a line end ("gen-" / "erated" → "generated").</summary>
    [ConfigurationKeyName("JOIN_HYPHENATED_WORDS")]
    public bool JoinHyphenatedWords { get; set; } = true;

    /// <summary>OCR of pages that have no text layer but an image over most of the page (Tesseract, rendered by pdftoppm).</summary>
    [ConfigurationKeyName("OCR_ENABLED")]
    public bool OcrEnabled { get; set; } = true;

    /// <summary>Tesseract languages, joined by '+' (each needs Debian's tesseract-ocr-&lt;lang&gt;; English comes with it).</summary>
    [ConfigurationKeyName("OCR_LANGUAGES")]
    [RegularExpression("^[a-z_]{3,}(\\+[a-z_]{3,})*$", ErrorMessage = "OCR_LANGUAGES must be Tesseract language codes joined by '+', for example eng or eng+deu.")]
    public string OcrLanguages { get; set; } = "eng";

    /// <summary>Resolution a scanned page is rendered at for OCR.</summary>
    [ConfigurationKeyName("OCR_DPI")]
    [Range(72, 600, ErrorMessage = "OCR_DPI must be between 72 and 600 (default 300).")]
    public int OcrDpi { get; set; } = 300;

    public OcrSettings? Ocr => OcrEnabled ? new OcrSettings(OcrLanguages, OcrDpi) : null;
}
