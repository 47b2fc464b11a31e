namespace PdfAspire.Worker.Extraction;

/// <summary>
/// How a document is turned into text: its page limit (MAX_PAGES), the text's shape (JOIN_HYPHENATED_WORDS), and OCR
/// for scanned pages, null when it is off (scanned pages then have no text, and a document of scans fails as no_text).
/// </summary>
public sealed record ExtractionSettings(int MaxPages, bool JoinHyphenatedWords, OcrSettings? Ocr);

/// <summary>Tesseract's languages ("eng", "eng+deu") and the resolution pages are rendered at for it.</summary>
public sealed record OcrSettings(string Languages, int Dpi);
