import { runBusContract } from './bus.contract.js';
import { InProcessBus } from './in-process.js';

runBusContract('in-process', async () => new InProcessBus({ retryBaseMs: 5 }));
