using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace PdfAspire.Tests.Infrastructure;

/// <summary>
/// Documents built to hurt a PDF parser, generated on each run (never committed). Each one is a small file; the harm
/// is in what it makes the parser do.
/// </summary>
public static class HostileCorpus
{
    public static byte[] Make(string kind) => kind switch
    {
        "empty" => [],
        "not_a_pdf" => Encoding.UTF8.GetBytes("name,amount\nalice,10\nbob,20\n"),
        "random_bytes" => RandomBytes(64 << 10, seed: 1),
        "random_after_header" => [.. "%PDF-1.7\n"u8, .. RandomBytes(64 << 10, seed: 2)],
        "truncated" => RealDocument()[..(RealDocument().Length / 2)],
        "byte_flipped" => FlipBytes(RealDocument(), everyNth: 50, seed: 3),
        "encrypted" => Corpus.Qpdf(Corpus.Generated("secret"), "--encrypt", "user", "owner", "256", "--"),
        "deeply_nested" => Build($"<< /Type /Catalog /Pages 2 0 R /Nested {new string('[', 200_000)}{new string(']', 200_000)} >>",
            Pages("3 0 R"), Page("", "4 0 R"), Content("BT /F1 12 Tf 72 720 Td (nested) Tj ET")),
        "nested_in_content" => Build(Catalog(), Pages("3 0 R"), Page("", "4 0 R"),
            Content($"{new string('[', 200_000)}{new string(']', 200_000)} pop BT /F1 12 Tf 72 720 Td (nested) Tj ET")),
        "page_tree_loop" => Build(Catalog(), "<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>", Page("", "4 0 R"), Content("BT /F1 12 Tf 72 720 Td (loop) Tj ET")),
        "reference_loop" => Build(Catalog(), Pages("3 0 R"), Page("", "4 0 R"), "5 0 R", "4 0 R"),
        "form_recursion" => Build(Catalog(), Pages("3 0 R"), Page("/Resources << /XObject << /X0 5 0 R >> >>", "4 0 R"),
            Content("/X0 Do"), FormXObject("/X0 Do", "/Resources << /XObject << /X0 5 0 R >> >>")),
        // 32 MiB of text operators in a 40 KiB stream: about 1.4 million glyphs, each a PdfPig object.
        "decompression_bomb" => Build(Catalog(), Pages("3 0 R"), Page("/Resources << /Font << /F1 5 0 R >> >>", "4 0 R"),
            FlateStream(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("BT /F1 1 Tf (A) Tj ET\n", 1 << 14))), 32L << 20),
            Helvetica()),
        // 2,000 pages sharing one 2 MiB stream of line-width operators (2 KiB deflated): each page's operators are
        // parsed and dropped, so memory stays low, and the whole takes minutes.
        "cpu_bomb" => ManyPages(2_000, LineWidthOperators()),
        "lying_page_count" => Build(Catalog(), "<< /Type /Pages /Kids [3 0 R] /Count 2147483647 >>", Page("", "4 0 R"), Content("BT ET")),
        "huge_page_count" => ManyPages(20_000, Content("BT ET")),
        "huge_image" => Build(Catalog(), Pages("3 0 R"), Page("/Resources << /XObject << /Im0 5 0 R >> /Font << /F1 6 0 R >> >>", "4 0 R"),
            Content("q 500 0 0 500 50 50 cm /Im0 Do Q BT /F1 12 Tf 72 720 Td (under the image) Tj ET"),
            Stream("/Type /XObject /Subtype /Image /Width 100000 /Height 100000 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode",
                Deflate(new byte[1 << 20])),
            Helvetica()),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such hostile document"),
    };

    /// <summary>
    /// Three pages, all empty but <paramref name="slowPage"/>, which draws a form of the cpu bomb's 2 MiB of operators
    /// 2,000 times: each drawing parses the form again, so that one page takes far longer than any test's deadline
    /// (drawn 200 times it took under 3 s on a quick machine, and a 3 s deadline missed it), in the memory of one form.
    /// </summary>
    public static byte[] OneSlowPage(int slowPage)
    {
        var kids = string.Join(' ', Enumerable.Range(6, 3).Select(n => $"{n} 0 R"));
        return Build([Catalog(), $"<< /Type /Pages /Kids [{kids}] /Count 3 >>", Content("BT ET"),
            Content(string.Concat(Enumerable.Repeat("/X0 Do\n", 2_000))),
            LineWidthOperators("/Type /XObject /Subtype /Form /BBox [0 0 612 792]"),
            .. Enumerable.Range(1, 3).Select(n => (object)(n == slowPage ? Page("/Resources << /XObject << /X0 5 0 R >> >>", "4 0 R") : Page("", "3 0 R")))]);
    }

    private static byte[]? _real;

    /// <summary>A real multi-page document from the texlive corpus, the raw material for damage.</summary>
    private static byte[] RealDocument() =>
        _real ??= File.ReadAllBytes(Corpus.TexLiveDocuments(maxBytes: 512 << 10).First(p => Corpus.PdfInfoPages(p) >= 4));

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] FlipBytes(byte[] source, int everyNth, int seed)
    {
        var copy = (byte[])source.Clone();
        var random = new Random(seed);
        for (var i = random.Next(everyNth); i < copy.Length; i += 1 + random.Next(2 * everyNth))
        {
            copy[i] ^= (byte)(1 + random.Next(255));
        }
        return copy;
    }

    private static string Catalog() => "<< /Type /Catalog /Pages 2 0 R >>";

    private static string Pages(string kids) => $"<< /Type /Pages /Kids [{kids}] /Count 1 >>";

    private static string Page(string extra, string contents) =>
        $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {contents} {extra} >>";

    private static byte[] Content(string operators) => Stream("", Encoding.ASCII.GetBytes(operators));

    private static byte[] FormXObject(string operators, string resources) =>
        Stream($"/Type /XObject /Subtype /Form /BBox [0 0 612 792] {resources}", Encoding.ASCII.GetBytes(operators));

    private static string Helvetica() => "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

    /// <summary>2 MiB of line-width operators in a 2 KiB deflated stream: slow to parse, light to hold.</summary>
    private static byte[] LineWidthOperators(string dictionary = "") =>
        FlateStream(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("1 w\n", 1 << 14))), 2L << 20, dictionary);

    /// <summary>A content stream of <paramref name="block"/> repeated to <paramref name="inflatedBytes"/>, deflated.</summary>
    private static byte[] FlateStream(byte[] block, long inflatedBytes, string dictionary = "")
    {
        using var compressed = new MemoryStream();
        using (var deflate = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            for (long written = 0; written < inflatedBytes; written += block.Length)
            {
                deflate.Write(block);
            }
        }
        return Stream($"{dictionary} /Filter /FlateDecode".TrimStart(), compressed.ToArray());
    }

    /// <summary>A real page tree of <paramref name="count"/> pages sharing one content stream.</summary>
    private static byte[] ManyPages(int count, byte[] content)
    {
        var kids = string.Join(' ', Enumerable.Range(4, count).Select(n => $"{n} 0 R"));
        var pages = Enumerable.Range(0, count).Select(_ => (object)Page("", "3 0 R"));
        return Build([Catalog(), $"<< /Type /Pages /Kids [{kids}] /Count {count} >>", content, .. pages]);
    }

    private static byte[] Deflate(byte[] data)
    {
        using var compressed = new MemoryStream();
        using (var deflate = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(data);
        }
        return compressed.ToArray();
    }

    private static byte[] Stream(string dictionary, byte[] data) =>
        [.. Encoding.ASCII.GetBytes($"<< {dictionary} /Length {data.Length} >>\nstream\n"), .. data, .. "\nendstream"u8];

    /// <summary>A PDF whose objects 1..n are <paramref name="objects"/> (strings or stream bytes), with a correct xref.</summary>
    private static byte[] Build(params object[] objects)
    {
        using var pdf = new MemoryStream();
        Write(pdf, "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
        var offsets = new List<long>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Position);
            Write(pdf, $"{i + 1} 0 obj\n");
            if (objects[i] is byte[] bytes)
            {
                pdf.Write(bytes);
            }
            else
            {
                Write(pdf, (string)objects[i]);
            }
            Write(pdf, "\nendobj\n");
        }
        var xref = pdf.Position;
        var table = new StringBuilder($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            table.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }
        table.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        Write(pdf, table.ToString());
        return pdf.ToArray();
    }

    private static void Write(MemoryStream pdf, string text) => pdf.Write(Encoding.Latin1.GetBytes(text));
}
