// Preloaded into the provider by `npm run bench -- --profile DIR`: SIGUSR2 ends the process
// normally, so that `node --cpu-prof` writes its profile (a SIGTERM'd Nest app dies by the signal).
process.on('SIGUSR2', () => process.exit(0));
