import { defineConfig } from 'vite';

// A static single-page app: the gateway serves dist/index.html at / and dist/assets/* (content-hashed).
// No CDN and no runtime fetches besides the gateway's own API.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
});
