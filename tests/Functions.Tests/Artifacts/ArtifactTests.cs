using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Failover.Functions.Tests.Artifacts;

/// What `dotnet publish functions -c Release` ships: checked on the files themselves.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class ArtifactTests
{
    [Fact]
    public void The_binary_is_a_native_x86_64_executable_not_a_managed_assembly()
    {
        Bootstrap.RequirePublished();
        var header = File.ReadAllBytes(Bootstrap.Path)[..20];

        header[..4].Should().Equal(0x7F, (byte)'E', (byte)'L', (byte)'F');
        BitConverter.ToUInt16(header, 18).Should().Be(62, "e_machine 62 is EM_X86_64");
        File.GetUnixFileMode(Bootstrap.Path).Should().HaveFlag(UnixFileMode.UserExecute);
    }

    [Fact]
    public async Task The_binary_needs_glibc_2_34_or_older_so_it_runs_on_amazon_linux_2023()
    {
        Bootstrap.RequirePublished();
        var start = new ProcessStartInfo("readelf", ["--version-info", "--wide", Bootstrap.Path]) { RedirectStandardOutput = true };
        using var readelf = Process.Start(start) ?? throw new InvalidOperationException("readelf (binutils) is required for this check");
        var output = await readelf.StandardOutput.ReadToEndAsync();
        await readelf.WaitForExitAsync();

        var versions = GlibcVersion().Matches(output).Select(m => new Version(m.Groups[1].Value)).Distinct().ToList();

        versions.Should().NotBeEmpty("the binary links glibc dynamically");
        versions.Max().Should().BeLessThanOrEqualTo(new Version(2, 34));
    }

    [Fact]
    public void The_zip_holds_only_bootstrap_at_its_root_with_the_executable_bit_set()
    {
        Bootstrap.RequirePublished();
        using var zip = ZipFile.OpenRead(Bootstrap.Zip);

        var entry = zip.Entries.Should().ContainSingle().Subject;
        entry.FullName.Should().Be("bootstrap");
        var mode = (entry.ExternalAttributes >> 16) & 0x1FF;
        (mode & 0b001_001_001).Should().Be(0b001_001_001, "Lambda runs bootstrap directly; mode was {0}", Convert.ToString(mode, 8));
        entry.Length.Should().Be(new FileInfo(Bootstrap.Path).Length);
    }

    [GeneratedRegex(@"Name: GLIBC_(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex GlibcVersion();
}
