#!/bin/sh
# A change of the customer's own address named as the subject ("Neue
# Anschrift ab 1. Juni", "Nieuw e-mailadres") goes to a person (review)
# in every language; a delivery address for an order stays with sales.
. "$srcdir/tests/lib.sh"
R="$srcdir/rules"

acts_as "$R" "Neue Anschrift ab 1. Juni" "$(printf 'Sehr geehrte Damen und Herren,\n\nwir ziehen in neue Räume. Bitte schicken Sie Katalog und Post ab dann an:\n\nBauer Laborbau GmbH\nGewerbepark Süd 9\n86899 Landsberg\n\nMartina Bauer')" \
    review "German: the new address as the subject"
acts_as "$R" "Nieuw e-mailadres" "Willen jullie de nieuwsbrief voortaan naar ilse@example.nl sturen? Mijn oude adres verdwijnt." \
    review "Dutch: the new e-mail address as the subject"
acts_as "$R" "Change of address" "Please note our new office: 12 Dock Street, Bristol BS1 4RW." \
    review "English: change of address as the subject"
acts_as "$R" "Neue Lieferadresse für Auftrag 4711" "Bitte liefern Sie Auftrag 4711 an unser Lager in Kamen." \
    none "a delivery address for an order: sales'"
done_testing
