using System.IO.Pipelines;
using PdfAspire.TaskQueue;
using StackExchange.Redis;

namespace PdfAspire.Tests.Faults;

/// <summary>
/// What counts as Redis being away (retried) rather than a bug. The torn-connection case, StackExchange.Redis letting
/// its pipe's exception escape while a Cluster master dies, is met for real in <see cref="RedisClusterTests"/>.
/// </summary>
public sealed class RedisFailureTests
{
    [Fact]
    public void TheClientsOwnFailures_AreAnOutage()
    {
        Assert.True(RedisFailure.IsOutage(new RedisConnectionException(ConnectionFailureType.SocketClosed, "closed")));
        Assert.True(RedisFailure.IsOutage(new RedisTimeoutException("timed out", CommandStatus.Sent)));
    }

    [Fact]
    public void APipeFailureOutsideTheRedisClient_IsNotAnOutage()
    {
        var pipe = new Pipe();
        pipe.Writer.Complete();

        var thrown = Assert.Throws<InvalidOperationException>(() => pipe.Writer.GetSpan());

        Assert.Equal("System.IO.Pipelines", thrown.Source);
        Assert.False(RedisFailure.IsOutage(thrown));
    }
}
