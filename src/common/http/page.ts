import { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';

/** A page of a listing in the admin API, and how many items the whole listing holds. */
export interface Page<T> {
  items: T[];
  total: number;
}

/** The schema of a page of `item`s, named `<item>Page` in the admin API's OpenAPI document. */
export function PageOf<T>(item: Type<T>): Type<Page<T>> {
  class PageOfItems implements Page<T> {
    @ApiProperty({ type: [item] })
    items: T[];

    @ApiProperty({ type: 'integer', minimum: 0, description: 'How many items the whole listing holds.' })
    total: number;
  }
  Object.defineProperty(PageOfItems, 'name', { value: `${item.name}Page` });
  return PageOfItems;
}
