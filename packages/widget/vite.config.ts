import { defineConfig } from 'vite';

// One self-contained IIFE file: dist/widget.js (embedded with <script src=".../widget.js" data-connection="conn_…">)
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    lib: { entry: 'src/widget.ts', name: 'SwitchboardWidget', formats: ['iife'], fileName: () => 'widget.js' },
  },
});
