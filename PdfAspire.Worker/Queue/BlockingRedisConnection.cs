using PdfAspire.TaskQueue;
using StackExchange.Redis;

namespace PdfAspire.Worker.Queue;

/// <summary>
/// Redis connections of the consumer's own for BLMOVE, one per waiting loop. StackExchange.Redis multiplexes every
/// caller over one socket, and a blocking command would stall them all, so the waits happen here and nowhere else.
/// </summary>
public sealed class BlockingRedisConnection(IConfiguration configuration) : IAsyncDisposable
{
    private readonly List<ConnectionMultiplexer> _connections = [];

    /// <summary>A new connection for one loop that waits, named <paramref name="clientName"/> in CLIENT LIST.</summary>
    public async Task<IDatabase> ConnectAsync(string clientName)
    {
        var options = ConfigurationOptions.Parse(configuration.GetConnectionString(TaskQueueExtensions.ConnectionName)!).ForQueue();
        options.AbortOnConnectFail = false;
        options.ClientName = clientName;
        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        lock (_connections)
        {
            _connections.Add(connection);
        }
        return connection.GetDatabase();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }
}
