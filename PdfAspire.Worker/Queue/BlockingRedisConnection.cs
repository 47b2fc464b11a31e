using PdfAspire.TaskQueue;
using StackExchange.Redis;

namespace PdfAspire.Worker.Queue;

/// <summary>
/// A Redis connection of the consumer's own for BLMOVE. StackExchange.Redis multiplexes every caller over one socket,
/// and a blocking command would stall them all, so the wait happens here and nowhere else.
/// </summary>
public sealed class BlockingRedisConnection(IConfiguration configuration) : IAsyncDisposable
{
    private ConnectionMultiplexer? _connection;

    public async Task<IDatabase> GetDatabaseAsync()
    {
        if (_connection is null)
        {
            var options = ConfigurationOptions.Parse(configuration.GetConnectionString(TaskQueueExtensions.ConnectionName)!);
            options.AbortOnConnectFail = false;
            options.ClientName = "pdfaspire-worker-fetch";
            _connection = await ConnectionMultiplexer.ConnectAsync(options);
        }
        return _connection.GetDatabase();
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
