using System.Net;
using Failover.Functions.Aws;

namespace Failover.Functions.Tests.Aws;

/// The DNS question decide asks Route 53's name servers, and how it reads the answer (RFC 1035 §4).
public sealed class DnsQueryTests
{
    [Fact]
    public void The_question_is_one_A_record_in_class_IN_without_recursion()
    {
        var query = DnsQuery.Encode(0x1234, "_primary-health.App.example.com.");

        query[..12].Should().Equal(0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0);
        query[12..].Should().Equal([
            15, .. "_primary-health"u8.ToArray(), 3, .. "app"u8.ToArray(), 7, .. "example"u8.ToArray(), 3, .. "com"u8.ToArray(), 0, 0, 1, 0, 1]);
    }

    [Fact]
    public async Task An_answer_with_a_compressed_owner_name_gives_its_address()
    {
        using var server = new StubNameServer { Answer = "192.0.2.2" };

        var (addresses, error) = await DnsQuery.AskAsync(NameServer.Parse(server.Endpoint)!, server.Name, CancellationToken.None);

        error.Should().BeNull();
        addresses.Should().Equal(IPAddress.Parse("192.0.2.2"));
    }

    [Fact]
    public async Task An_unknown_name_is_NXDOMAIN_and_no_address()
    {
        using var server = new StubNameServer();

        var (addresses, error) = await DnsQuery.AskAsync(NameServer.Parse(server.Endpoint)!, "other.example.com", CancellationToken.None);

        addresses.Should().BeEmpty();
        error.Should().Contain("NXDOMAIN");
    }

    [Fact]
    public void An_answer_to_another_question_or_cut_short_is_refused()
    {
        DnsQuery.Decode(new byte[] { 0x12, 0x35, 0x84, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 0x1234, "a.example").Error.Should().Contain("another question");
        DnsQuery.Decode(new byte[] { 0x12, 0x34, 0x84 }, 0x1234, "a.example").Error.Should().Contain("shorter than a DNS header");
        // One answer announced, none there.
        DnsQuery.Decode(new byte[] { 0x12, 0x34, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0 }, 0x1234, "a.example").Error.Should().Contain("malformed");
    }

    [Fact]
    public void A_pointer_loop_is_malformed_not_a_hang()
    {
        byte[] message = [0x12, 0x34, 0x84, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1];

        DnsQuery.Decode(message, 0x1234, "a.example").Error.Should().Contain("malformed");
    }

    [Theory]
    [InlineData("ns-1.awsdns-01.org", "ns-1.awsdns-01.org", 53)]
    [InlineData("127.0.0.1:5353", "127.0.0.1", 5353)]
    public void A_name_server_is_a_host_with_an_optional_port(string text, string host, int port) =>
        NameServer.Parse(text).Should().Be(new NameServer(host, port));

    [Theory]
    [InlineData("")]
    [InlineData("not a host")]
    [InlineData("host:99999")]
    public void Anything_else_is_no_name_server(string text) => NameServer.Parse(text).Should().BeNull();
}
