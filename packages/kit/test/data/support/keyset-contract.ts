import { randomUUID } from 'node:crypto';
import { type DataSource, EntitySchema, type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { createDataSource, creationPage, keysetPage, portableColumns } from '../../../src/data';
import type { TimePosition } from '../../../src/http/cursor';

/** A list the tests page through: rows created at a few instants (so many tie), in two groups. */
interface Note {
  id: string;
  createdAt: Date;
  rank: number;
  grp: string;
}

const NoteEntity = new EntitySchema<Note>({
  name: 'Note',
  tableName: 'notes',
  columns: {
    id: { type: String, primary: true },
    createdAt: { name: 'created_at', type: Date },
    rank: { type: Number },
    grp: { type: String },
  },
});

class CreateNotes1732200000001 implements MigrationInterface {
  readonly name = 'CreateNotes1732200000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'notes',
        columns: [
          { ...c.string('id', 36), isPrimary: true },
          c.timestamp('created_at'),
          c.integer('rank'),
          c.string('grp', 10),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('notes');
  }
}

// Millisecond instants: SQL Server would round a parameter sent as `datetime` (1/300 s) and lose the page.
const instants = ['2026-03-01T10:00:00.001Z', '2026-03-01T10:00:00.002Z', '2026-03-01T10:00:00.007Z'].map(
  (at) => new Date(at),
);
const notes: Note[] = Array.from({ length: 23 }, (_, i) => ({
  id: randomUUID(),
  createdAt: instants[i % instants.length] as Date,
  rank: i % 5,
  grp: i % 4 === 0 ? 'b' : 'a',
}));

const byCreation = (a: Note, b: Note) =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The kit's keyset pagination on one database: every row once, in order, whatever the page size and ties. */
export function describeKeysetPages(label: string, database: () => Promise<{ url: string; stop(): Promise<void> }>) {
  describe(`keyset pages on ${label}`, () => {
    let db: DataSource;
    let stop: () => Promise<void>;
    beforeAll(async () => {
      const opened = await database();
      stop = opened.stop;
      db = createDataSource(opened.url, { entities: [NoteEntity], migrations: [CreateNotes1732200000001] });
      await db.initialize();
      await db.getRepository(NoteEntity).insert(notes);
    }, 180_000);
    afterAll(async () => {
      await db?.destroy();
      await stop?.();
    }, 60_000);

    const walkByCreation = async (limit: number, direction: 'ASC' | 'DESC', grp?: string) => {
      const seen: string[] = [];
      let after: TimePosition | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const query = db.getRepository(NoteEntity).createQueryBuilder('n');
        if (grp) query.andWhere('n.grp = :grp', { grp });
        const page = await creationPage(query, { limit, after, direction });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items.map((note) => note.id));
        if (!page.next) return seen;
        after = page.next;
      }
      throw new Error('the pages never ended');
    };

    it.each([1, 2, 5, 23, 50])('walks every row once, newest first, %i a page, ties broken by id', async (limit) => {
      const expected = [...notes].sort(byCreation).reverse();
      expect(await walkByCreation(limit, 'DESC')).toEqual(expected.map((note) => note.id));
    });

    it('walks oldest first and keeps the filters of the query', async () => {
      const expected = notes.filter((note) => note.grp === 'a').sort(byCreation);
      expect(await walkByCreation(4, 'ASC', 'a')).toEqual(expected.map((note) => note.id));
    });

    it('says no page follows when the last page is exactly full', async () => {
      const query = db.getRepository(NoteEntity).createQueryBuilder('n');
      expect((await creationPage(query, { limit: notes.length })).next).toBeNull();
    });

    it('pages by another key, with the id breaking its ties', async () => {
      const expected = [...notes].sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const seen: Note[] = [];
      let after: { value: number; id: string } | undefined;
      for (;;) {
        const page = await keysetPage(db.getRepository(NoteEntity).createQueryBuilder('n'), {
          key: 'rank',
          direction: 'ASC',
          limit: 3,
          after,
        });
        seen.push(...page.items);
        if (!page.last) break;
        after = { value: page.last.rank, id: page.last.id };
      }
      expect(seen.map((note) => note.id)).toEqual(expected.map((note) => note.id));
    });
  });
}
