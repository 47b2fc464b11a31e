using Bunit;
using Microsoft.Extensions.DependencyInjection;
using PdfAspire.Admin.Components.Time;
using PdfAspire.Admin.Security;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Components;

/// <summary>Times as a person reads them: the browser's local time, how long ago, and UTC on hover.</summary>
public sealed class ReadableTimeTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task ATime_ShowsInTheBrowsersZone_WithHowLongAgo_AndUtcOnHover()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Viewer);
        context.JSInterop.Setup<string>("pdfAspire.timeZone").SetResult("Asia/Tokyo");
        var at = DateTimeOffset.UtcNow.AddMinutes(-3);
        var moment = context.Render<Moment>(p => p.Add(m => m.At, at).Add(m => m.TestId, "t"));
        Assert.Contains("UTC", moment.Find("[data-testid=t]").TextContent, StringComparison.Ordinal);

        await context.Services.GetRequiredService<BrowserTime>().LearnAsync();

        moment.WaitForAssertion(() =>
        {
            var time = moment.Find("[data-testid=t]");
            var tokyo = at.ToOffset(TimeSpan.FromHours(9));
            Assert.Contains(tokyo.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), time.TextContent, StringComparison.Ordinal);
            Assert.Contains("3 min ago", time.TextContent, StringComparison.Ordinal);
            Assert.Equal($"{at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC", time.GetAttribute("title"));
        });
    }

    [Theory]
    [InlineData(-10, "just now")]
    [InlineData(-90, "2 min ago")]
    [InlineData(-7_300, "2 h ago")]
    [InlineData(-200_000, "2 d ago")]
    [InlineData(300, "in 5 min")]
    public async Task HowLongAgo_ReadsNaturally(int seconds, string expected)
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Viewer);
        var time = context.Services.GetRequiredService<BrowserTime>();
        Assert.Equal(expected, time.Relative(time.Now.AddSeconds(seconds)));
    }
}
