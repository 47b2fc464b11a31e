using System.Text;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using PdfAspire.Admin.Components.Pages.Upload;
using PdfAspire.Admin.Security;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Components;

public sealed class UploadPageTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Upload_RefusesNonPdfsEmptyAndOversizeFiles_WithAReason_AndQueuesNothing()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Operator, maxUploadBytes: 2048);
        var page = context.Render<Upload>();

        page.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromText("name,amount\nalice,3", "notes.csv"),
            InputFileContent.CreateFromBinary([], "empty.pdf"),
            InputFileContent.CreateFromBinary([.. Encoding.ASCII.GetBytes("%PDF-1.7\n"), .. new byte[3000]], "big.pdf"));

        page.WaitForAssertion(() =>
        {
            var refusals = page.FindAll("[data-testid=upload-refused]").Select(e => e.TextContent).ToList();
            Assert.Contains("notes.csv is not a PDF (it has no %PDF- header).", refusals);
            Assert.Contains("empty.pdf is empty.", refusals);
            Assert.Contains("big.pdf is 2.9 KB; the limit is 2 KB.", refusals);
        });
        Assert.Equal(0, await context.Redis.ListLengthAsync(context.Keys.Pending));
    }

    [Fact]
    public async Task Viewer_CannotChooseFiles()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Viewer);

        var page = context.Render<Upload>();

        Assert.True(page.Find("button").HasAttribute("disabled"));
    }
}
