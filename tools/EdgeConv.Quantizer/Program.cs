return EdgeConv.Quantizer.Cli.QuantizerCommandLine.Run(args, Console.Out, Console.Error);
