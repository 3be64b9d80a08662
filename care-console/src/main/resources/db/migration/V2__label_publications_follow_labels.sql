-- A label purged after the dispute period takes its publication record with it, in the same
-- statement: the label publisher may record a publication between the purge's statements.
alter table label_publications
    drop constraint label_publications_label_id_fkey,
    add constraint label_publications_label_id_fkey
        foreign key (label_id) references labels (label_id) on delete cascade;
