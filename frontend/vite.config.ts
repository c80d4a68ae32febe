/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  build: {
    outDir: 'dist',
    // dist/.keep must survive: Go's //go:embed all:dist needs the folder on a fresh clone.
    emptyOutDir: false,
    target: 'es2022',
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev` talks to a local `crossover serve`; CROSSOVER_API points it elsewhere.
    proxy: {
      '/api': process.env.CROSSOVER_API ?? 'http://127.0.0.1:8080',
      '/healthz': process.env.CROSSOVER_API ?? 'http://127.0.0.1:8080',
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['./src/test-setup.ts'],
  },
});
