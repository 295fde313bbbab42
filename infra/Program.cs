using Failover.Infra;

// Pulumi's YAML runtime runs this and reads the program from stdout; everything else goes to stderr.
return Compiler.Run(args, Environment.GetEnvironmentVariable, Console.Out, Console.Error, Directory.GetCurrentDirectory());
