import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The operator app, served by the Switchboard server under /app/ (see server api/routes/static-routes.ts).
export default defineConfig({
  base: '/app/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  server: { proxy: { '/api': 'http://localhost:8080' } },
});
