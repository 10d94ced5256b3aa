// `valuelex stats ...` with only the stats command loaded: what the command line will load once
// it imports each command lazily (the architecture refactor in progress). bench/efa-single.js
// times it beside bin/valuelex.js to separate the cost of loading every command's modules from
// the work of `stats efa` itself. Remove once bin/valuelex.js loads commands lazily.
import { Command } from 'commander';
import { register } from '../dist/cli/commands/stats.js';

const program = new Command().name('valuelex').configureOutput({ writeErr: (s) => process.stderr.write(s) });
register(program);
await program.parseAsync(process.argv);
