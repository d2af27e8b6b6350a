"""A PostgreSQL benchmark database ten times as large, copied in SQL from a built one.

    python -m tests.bench.multiply --source newsroom_bench_100k --target newsroom_bench_1m
    python -m tests.bench --releases 1000000 --database postgres --keep newsroom_bench_1m \\
        --only search

Generating a million releases through ``seed --demo`` takes hours on two cores; this
copies the releases of ``--source`` (and their topics) ``--times`` - 1 more times
into a new database ``--target``, each copy with new ids, identities (UUIDs) and
numbers and the same text and search vectors: every word then has ``--times`` as
many matches, and the newest releases are as new as before. People, contacts,
images and appointments are not copied.
"""

import argparse

import psycopg2

# Columns a copy must not repeat: its id, identity, number and the edition it belongs to.
CHANGED = {
    "id": "id + {offset}",
    "uuid": "gen_random_uuid()",
    "number": "number + {number_offset}",
    "edition_of_id": "edition_of_id + {offset}",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True, help="a database built by python -m tests.bench")
    parser.add_argument("--target", required=True, help="the new database (must not exist)")
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    admin = psycopg2.connect(args.postgres_url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{args.target}" TEMPLATE "{args.source}"')
    admin.close()
    connection = psycopg2.connect(args.postgres_url.rsplit("/", 1)[0] + "/" + args.target)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE "
                       "table_name = 'releases_release' ORDER BY ordinal_position")
        columns = [name for (name,) in cursor.fetchall()]
        cursor.execute("SELECT max(id), coalesce(max(number), 0) FROM releases_release")
        last_id, last_number = cursor.fetchone()
        for copy in range(1, args.times):
            offset, number_offset = copy * last_id, copy * (last_number + 1)
            values = ", ".join(CHANGED.get(name, name).format(
                offset=offset, number_offset=number_offset) for name in columns)
            cursor.execute(f"INSERT INTO releases_release ({', '.join(columns)}) "
                           f"SELECT {values} FROM releases_release WHERE id <= %s", [last_id])
            cursor.execute("INSERT INTO releases_release_topics (release_id, topic_id) "
                           "SELECT release_id + %s, topic_id FROM releases_release_topics "
                           "WHERE release_id <= %s", [offset, last_id])
            print(f"copy {copy} of {args.times - 1}", flush=True)
        cursor.execute("SELECT setval(pg_get_serial_sequence('releases_release', 'id'), "
                       "max(id)) FROM releases_release")
        cursor.execute("VACUUM ANALYZE")
    connection.close()


if __name__ == "__main__":
    main()
