// Prints where require finds a file of an installed package.
"use strict";
process.stdout.write(require.resolve(process.argv[2]) + "\n");
