using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Unlearning.Tests.Contract;

public sealed class ExceptionSerializationTests
{
    [Fact]
    public void Exceptions_of_the_contract_cross_the_wire()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        var original = new IngestNotSettledException("ingest-7", committed: true);

        var copy = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(original));

        var settled = Assert.IsType<IngestNotSettledException>(copy);
        Assert.Equal(("ingest-7", true), (settled.IngestId, settled.Committed));
        Assert.Equal(original.Message, settled.Message);
    }
}
