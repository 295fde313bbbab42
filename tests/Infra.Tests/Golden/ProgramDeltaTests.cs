namespace Failover.Infra.Tests.Golden;

public sealed class ProgramDeltaTests
{
    private static string Numbered(int count, Func<int, string>? line = null) =>
        string.Concat(Enumerable.Range(1, count).Select(i => (line ?? (n => $"line {n}"))(i) + "\n"));

    private static ProgramParts Parts(string stack, params (string Suffix, string Text)[] files) =>
        new(stack, files.Select(f => KeyValuePair.Create(f.Suffix, f.Text)));

    [Fact]
    public void A_delta_reads_as_diff_u_writes_it_with_three_lines_of_context()
    {
        var stack = Parts("primary", (".yaml", Numbered(12)));
        var variant = Parts("primary", (".yaml", Numbered(12, n => n == 6 ? "line six" : $"line {n}")));

        ProgramDelta.Write(stack, variant, "primary-endpoint").Should().Be(
            """
            --- primary.yaml
            +++ primary-endpoint.yaml
            @@ -3,7 +3,7 @@
             line 3
             line 4
             line 5
            -line 6
            +line six
             line 7
             line 8
             line 9

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Applying_a_delta_to_its_base_gives_the_variant_part_by_part()
    {
        var stack = Parts("secondary", (".yaml", Numbered(40)), (".workflow.json", Numbered(5)), (".gone.json", "x\n"));
        var variant = Parts("secondary",
            (".yaml", Numbered(42, n => n switch { 1 => "first", 20 => "inserted", 41 => "line 39", 42 => "added at the end", _ => $"line {(n < 20 ? n : n - 1)}" })),
            (".workflow.json", Numbered(5)),
            (".new.json", "{}\n"));

        var delta = ProgramDelta.Write(stack, variant, "secondary-pilot-light");
        var applied = ProgramDelta.Apply(stack, delta, "secondary-pilot-light");

        applied.Files.Should().Equal(variant.Files);
        delta.Should().NotContain("workflow.json", "a part the variant shares is not in its delta");
    }

    [Fact]
    public void A_delta_made_against_another_base_is_refused_with_the_line_that_differs()
    {
        var stack = Parts("primary", (".yaml", Numbered(12)));
        var delta = ProgramDelta.Write(stack, Parts("primary", (".yaml", Numbered(12, n => n == 6 ? "line six" : $"line {n}"))), "primary-endpoint");
        var edited = Parts("primary", (".yaml", Numbered(12, n => n == 4 ? "line four" : $"line {n}")));

        var act = () => ProgramDelta.Apply(edited, delta, "primary-endpoint");

        act.Should().Throw<InvalidDataException>().WithMessage("*expects primary.yaml line 4 to be `line 4`, but it is `line four`*UPDATE_GOLDENS=1*");
    }
}
