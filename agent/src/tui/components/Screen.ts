import { createElement, memo } from 'react';

/**
 * The screen as one text node of a fixed size: the lines arrive as one string already styled with SGR
 * sequences (ansi.ts). ink lays out and measures every text node on every frame, and its measuring
 * caches each distinct text forever (ink 6.8 `measure-text.js`, an unbounded Map): a screen that changes
 * once a second would grow by its own size every second. A node given an exact width and height is never
 * measured (Yoga skips the measure function of a node whose size is fixed), so it costs neither the
 * measuring nor the memory, and one node instead of one per row or colour run spares React and ink
 * hundreds of elements per frame. `ink-text` is the host element ink's own `<Text>` renders; `<Text>`
 * offers no size, hence the element itself. Rows arrive cut to the width (view/index.ts); should one
 * still be wider by ink's measure, it wraps (a whole-block truncation would keep only the first row).
 */
export const Screen = memo(function Screen({
  text,
  width,
  height,
}: {
  readonly text: string;
  readonly width: number;
  readonly height: number;
}) {
  return createElement(
    'ink-text',
    {
      style: { width, height, flexGrow: 0, flexShrink: 0, flexDirection: 'row', textWrap: 'wrap' },
      internal_transform: (value: string) => value,
    },
    text,
  );
});
